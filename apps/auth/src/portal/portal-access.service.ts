import { Injectable } from '@nestjs/common';
import { ErrorCodes } from '@gatehouse/contracts';
import { RpcError } from '@gatehouse/platform';
import { ProjectEntity } from '../projects/project.entity';
import { ProjectsService } from '../projects/projects.service';
import { SessionsService, SignedIn } from '../sessions/sessions.service';
import { PortalAction, roleAllows } from './roles';

export interface ProjectAccess extends SignedIn {
  project: ProjectEntity;
}

/**
 * The one check every portal subject goes through: session → member → partner
 * (SessionsService.resolve), then the project belongs to the member's partner
 * (another partner's project answers `not_found`, exactly as a missing one: its
 * existence is not revealed, whatever the role), then the role allows the action
 * (`forbidden`).
 */
@Injectable()
export class PortalAccessService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly projects: ProjectsService,
  ) {}

  async member(sessionToken: string, action: PortalAction = 'read'): Promise<SignedIn> {
    const signedIn = await this.sessions.resolve(sessionToken);
    if (!roleAllows(signedIn.member.role, action)) throw forbidden(action);
    return signedIn;
  }

  async project(sessionToken: string, projectId: string, action: PortalAction): Promise<ProjectAccess> {
    const signedIn = await this.sessions.resolve(sessionToken);
    const project = await this.projects.requireOfPartner(projectId, signedIn.partner.id);
    if (!roleAllows(signedIn.member.role, action)) throw forbidden(action);
    return { ...signedIn, project };
  }
}

function forbidden(action: PortalAction): RpcError {
  const what = action === 'members' ? 'Only an owner may manage members' : 'A viewer may only read: this needs the developer or owner role';
  return new RpcError(ErrorCodes.forbidden, what);
}

/** Who did it, for the project trail: the member (never a token). */
export function actorOf(s: SignedIn): { member_id: string; email: string } {
  return { member_id: s.member.id, email: s.member.email };
}
