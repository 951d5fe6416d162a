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
export interface ProjectSettings {
  access_token_ttl: number;
  default_role: Record<string, unknown> | null;
  api_version?: string | null;
  /**
   * Our extension: requests per second across every gateway. Absent: the deployment's
   * default (`GATEWAY_RATE_LIMIT_DEFAULT`, 30 unless changed); the gateway answers it filled in.
   */
  api_rate_limit?: number | null;
  [key: string]: unknown;
}

export interface SettingsGetRequest {
  project_id: string;
}

export interface SettingsUpdateRequest {
  project_id: string;
  /** Already validated by the gateway; top-level keys replace stored ones, null clears. */
  patch: Partial<ProjectSettings>;
}

export interface SettingsUpdatedEvent {
  project_id: string;
}
