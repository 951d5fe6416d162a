import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  KeysRotateResponse,
  PortalCredentialCreated,
  PortalCredentialRolled,
  PortalCredentialsListResponse,
  PortalKeysListResponse,
  PortalSubjects,
} from '@gatehouse/contracts';
import { field } from '../http/forms';
import { PageError } from '../http/page-error';
import { seeOther, sendPage } from '../http/reply';
import { PortalApi } from '../portal/portal-api';
import { findProject, projectPath } from '../projects/projects.controller';
import { MemberSession, Sessions } from '../session/sessions';
import { credentialsPage, keysPage, ROLL_EXPIRY_CHOICES } from './credentials.views';

/** Credential pairs (create: the secret shown once; roll with overlap; revoke) and the signing keys. */
@Controller('projects/:id')
export class CredentialsController {
  constructor(
    private readonly api: PortalApi,
    private readonly sessions: Sessions,
  ) {}

  private async render(req: FastifyRequest, reply: FastifyReply, s: MemberSession, id: string, created?: PortalCredentialCreated, note?: string) {
    const project = await findProject(this.api, s, id, req.id);
    const { credentials } = await this.api.call<PortalCredentialsListResponse>(PortalSubjects.credentialsList, { session_token: s.token, project_id: id }, req.id);
    // A page with a secret on it is the answer to the POST itself: never stored, never shown again.
    sendPage(reply, credentialsPage(s, project, credentials, created, note), created ? 201 : 200);
  }

  @Get('credentials')
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Query('revoked') revoked?: string): Promise<void> {
    const s = await this.sessions.require(req);
    await this.render(req, reply, s, id, undefined, revoked === '1' ? 'Pair revoked: it mints nothing more and its tokens stopped working.' : undefined);
  }

  @Post('credentials')
  async create(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const s = await this.sessions.require(req);
    const created = await this.api.call<PortalCredentialCreated>(PortalSubjects.credentialsCreate, { session_token: s.token, project_id: id, name: field(req.body, 'name') }, req.id);
    await this.render(req, reply, s, id, created);
  }

  @Post('credentials/roll')
  async roll(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const s = await this.sessions.require(req);
    const choice = ROLL_EXPIRY_CHOICES.find(([v]) => v === field(req.body, 'old_expires'));
    if (!choice) throw new PageError(400, 'Choose when the old pair stops working.');
    // "at once": a few seconds ahead, so the time is not already past when auth checks it.
    const oldExpiresAt = new Date(Date.now() + Math.max(choice[2], 5) * 1000).toISOString();
    const rolled = await this.api.call<PortalCredentialRolled>(
      PortalSubjects.credentialsRoll,
      { session_token: s.token, project_id: id, client_id: field(req.body, 'client_id'), old_expires_at: oldExpiresAt },
      req.id,
    );
    await this.render(req, reply, s, id, rolled, `Rolled: the old pair stops ${choice[1]}.`);
  }

  @Post('credentials/revoke')
  async revoke(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const s = await this.sessions.require(req);
    await this.api.call(PortalSubjects.credentialsRevoke, { session_token: s.token, project_id: id, client_id: field(req.body, 'client_id') }, req.id);
    seeOther(reply, projectPath(id, '/credentials?revoked=1'));
  }

  @Get('keys')
  async keys(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Query('rotated') rotated?: string): Promise<void> {
    const s = await this.sessions.require(req);
    const project = await findProject(this.api, s, id, req.id);
    const { keys } = await this.api.call<PortalKeysListResponse>(PortalSubjects.keysList, { session_token: s.token, project_id: id }, req.id);
    sendPage(reply, keysPage(s, project, keys, typeof rotated === 'string' && /^[A-Za-z0-9_-]{1,100}$/.test(rotated) ? rotated : undefined));
  }

  @Post('keys/rotate')
  async rotate(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const s = await this.sessions.require(req);
    const rotated = await this.api.call<KeysRotateResponse>(PortalSubjects.keysRotate, { session_token: s.token, project_id: id }, req.id);
    seeOther(reply, projectPath(id, `/keys?rotated=${encodeURIComponent(rotated.kid)}`));
  }
}
