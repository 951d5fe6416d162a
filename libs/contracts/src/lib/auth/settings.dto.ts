import { z } from 'zod';
import { STORABLE_JSON_MESSAGE, storableJson, text } from '../common/schema-kit';

export const ACCESS_TOKEN_TTL_MIN = 60;
export const ACCESS_TOKEN_TTL_MAX = 86_400;
export const ACCESS_TOKEN_TTL_DEFAULT = 1_800;

/** `api_rate_limit`: a project's request budget, requests per second (Monite's default is 30). */
export const API_RATE_LIMIT_MIN = 1;
export const API_RATE_LIMIT_MAX = 100_000;
export const API_RATE_LIMIT_DEFAULT = 30;

/**
 * Project settings as the reference's PartnerProjectSettingsPayload, plus our
 * extension `access_token_ttl` (seconds). Fields other than the ones Gatehouse
 * acts on are stored and returned as given.
 */
export const ProjectSettingsSchema = z.looseObject({
  access_token_ttl: z.number().int(),
  default_role: z.record(z.string(), z.unknown()).nullable(),
  api_version: z.string().nullish(),
  /**
   * Our extension: requests per second across every gateway. Absent: the deployment's
   * default (`GATEWAY_RATE_LIMIT_DEFAULT`, 30 unless changed); the gateway answers it filled in.
   */
  api_rate_limit: z.number().int().nullish(),
});
export type ProjectSettings = z.infer<typeof ProjectSettingsSchema>;

export const SettingsGetRequestSchema = z.strictObject({ project_id: text(200) });
export type SettingsGetRequest = z.infer<typeof SettingsGetRequestSchema>;

/**
 * A settings patch: validated by the gateway against the API schema; top-level
 * keys replace stored ones, null clears. The values auth acts on are bounded here.
 */
export const SettingsPatchSchema = z.looseObject({
  access_token_ttl: z
    .number()
    .int('access_token_ttl must be an integer from 60 to 86400')
    .min(ACCESS_TOKEN_TTL_MIN, 'access_token_ttl must be an integer from 60 to 86400')
    .max(ACCESS_TOKEN_TTL_MAX, 'access_token_ttl must be an integer from 60 to 86400')
    .nullish(),
  default_role: z.record(z.string(), z.unknown()).nullish(),
  api_version: z.string().max(64).nullish(),
  api_rate_limit: z
    .number()
    .int(`api_rate_limit must be an integer from ${API_RATE_LIMIT_MIN} to ${API_RATE_LIMIT_MAX}`)
    .min(API_RATE_LIMIT_MIN, `api_rate_limit must be an integer from ${API_RATE_LIMIT_MIN} to ${API_RATE_LIMIT_MAX}`)
    .max(API_RATE_LIMIT_MAX, `api_rate_limit must be an integer from ${API_RATE_LIMIT_MIN} to ${API_RATE_LIMIT_MAX}`)
    .nullish(),
}).refine((patch) => storableJson(patch), STORABLE_JSON_MESSAGE);

export const SettingsUpdateRequestSchema = z.strictObject({ project_id: text(200), patch: SettingsPatchSchema });
export type SettingsUpdateRequest = z.infer<typeof SettingsUpdateRequestSchema>;

export const SettingsUpdatedEventSchema = z.object({ project_id: z.string() });
export type SettingsUpdatedEvent = z.infer<typeof SettingsUpdatedEventSchema>;
