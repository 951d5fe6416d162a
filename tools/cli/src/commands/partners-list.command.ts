import { AuthSubjects, PartnerListResponse } from '@gatehouse/contracts';
import { formatPartners } from '../output';
import { Command } from './command';

export const partnersListCommand: Command = {
  words: ['partners', 'list'],
  summary: 'List the partners',
  options: {},
  async run(client) {
    const res = await client.request<PartnerListResponse>(AuthSubjects.partnersList, {});
    return { json: res, text: formatPartners(res.partners) };
  },
};
