import { AuthSubjects, PartnerCreateRequest, PartnerView } from '@gatehouse/contracts';
import { Command, str } from './command';

export const partnersCreateCommand: Command = {
  words: ['partners', 'create'],
  summary: 'Create a partner (an organisation whose members use the portal)',
  options: {
    name: { type: 'string', placeholder: '<name>', description: 'Partner name (1 to 200 characters)', required: true },
  },
  async run(client, values) {
    const res = await client.request<PartnerView>(AuthSubjects.partnersCreate, { name: str(values, 'name') } satisfies PartnerCreateRequest);
    return {
      json: res,
      text: `Partner created: ${res.partner_id} (${res.name}). Add its first owner: npm run cli -- members create --partner ${res.partner_id} --email <email>`,
    };
  },
};
