import { ApiContractError } from "../../errors.ts";

/**
 * Matomo's visits log is switched off ("Visits log is deactivated…"), so
 * `Live.getLastVisitsDetails` reads nothing (exit code 5, as any answer the
 * tool cannot use). The message names the setting to switch back.
 */
export class VisitorLogDisabledError extends ApiContractError {}
