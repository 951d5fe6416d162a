import { AuthSubjects, MEMBER_ROLES, MemberCreated, MemberCreateRequest, MemberRole } from '@gatehouse/contracts';
import { CliError } from '../errors';
import { formatMemberCreated } from '../output';
import { Command, str } from './command';

/** A member of a partner (its first owner, typically), with a random password shown once. */
export const membersCreateCommand: Command = {
  words: ['members', 'create'],
  summary: "Create a partner's member (owner unless --role says otherwise); a random password is shown once",
  options: {
    partner: { type: 'string', placeholder: '<partner-id>', description: 'Partner id', required: true, format: 'uuid' },
    email: { type: 'string', placeholder: '<email>', description: 'The member’s email (their portal login)', required: true },
    role: { type: 'string', placeholder: '<owner|developer|viewer>', description: 'The member’s role (default owner)' },
  },
  async run(client, values) {
    const role = (values['role'] === undefined ? 'owner' : str(values, 'role')) as MemberRole;
    if (!MEMBER_ROLES.includes(role)) throw new CliError('invalid_request', `--role must be one of ${MEMBER_ROLES.join(', ')}`);
    const res = await client.request<MemberCreated>(AuthSubjects.membersCreate, {
      partner_id: str(values, 'partner'),
      email: str(values, 'email'),
      role,
    } satisfies MemberCreateRequest);
    return { json: res, text: formatMemberCreated(res) };
  },
};
