/** The troubleshooter's diagnosis as the API sends it (sign-in and password-reset flows, the admins' queue). */
import type { Static } from '@sinclair/typebox';
import type { DiagnosisResponse } from '@twofold/api/troubleshoot';
import type { DiagnosisResult } from '../../flows/troubleshoot/index.js';

export function diagnosisJson(diagnosis: DiagnosisResult): Static<typeof DiagnosisResponse> {
  return {
    findings: [...diagnosis.findings] as Static<typeof DiagnosisResponse>['findings'],
    options: [...diagnosis.options] as Static<typeof DiagnosisResponse>['options'],
    serverTime: new Date(diagnosis.serverTime).toISOString(),
  };
}
