/** The code→status table lives in contracts (the portal's "Try it" shows the same statuses). */
export { ERROR_STATUS, httpStatusOf as statusOf } from '@gatehouse/contracts';
