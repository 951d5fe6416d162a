import { Command } from './command';
import { credentialsCreateCommand } from './credentials-create.command';
import { credentialsListCommand } from './credentials-list.command';
import { credentialsRevokeCommand } from './credentials-revoke.command';
import { keysRotateCommand } from './keys-rotate.command';
import { membersCreateCommand } from './members-create.command';
import { partnersCreateCommand } from './partners-create.command';
import { partnersListCommand } from './partners-list.command';
import { projectAssignCommand } from './project-assign.command';
import { projectCreateCommand } from './project-create.command';
import { projectListCommand } from './project-list.command';
import { tokensRevokeAllCommand } from './tokens-revoke-all.command';

export * from './command';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  projectCreateCommand,
  projectListCommand,
  credentialsCreateCommand,
  credentialsListCommand,
  credentialsRevokeCommand,
  tokensRevokeAllCommand,
  keysRotateCommand,
  projectAssignCommand,
  partnersCreateCommand,
  partnersListCommand,
  membersCreateCommand,
];
