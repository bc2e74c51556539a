import type { FastifyRequest } from 'fastify';
import type { Action } from '../../actions/registry.ts';
import * as A from '../../actions/index.ts';

/**
 * The JSON API as a table: each route names its action and how the input is taken from the
 * request. Nothing else happens here; the OpenAPI document is generated from this table.
 */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  action: Action<any, any>;
  tag: string;
  /** Builds the action input from the request (params, query, body; upload fields when upload). */
  input: (req: FastifyRequest, upload?: { path: string; name: string; fields: Record<string, string> }) => unknown;
  /** The request carries a file (multipart or raw body); a JSON body (e.g. with a url) is taken as is. */
  upload?: boolean;
  /** The action returns { path, mediaType, filename } to be sent as a file. */
  file?: boolean;
  successStatus?: number;
}

const P = (req: FastifyRequest) => (req.params ?? {}) as Record<string, string>;
const Q = (req: FastifyRequest) => (req.query ?? {}) as Record<string, unknown>;
const B = (req: FastifyRequest) => (req.body && typeof req.body === 'object' && !('pipe' in (req.body as object)) ? (req.body as Record<string, unknown>) : {});

/** Upload form fields are strings; a field holding JSON (keywords, title in several languages) is parsed. */
function formFields(fields: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    const t = v.trim();
    out[k] = (t.startsWith('{') || t.startsWith('[')) ? safeJson(t) ?? v : v;
  }
  return out;
}
function safeJson(s: string): unknown {
  try { return JSON.parse(s); } catch { return undefined; }
}

/** The input of a route that ingests: an uploaded file with its form fields, or a JSON body (url, sourcePath). */
function withSource(r: FastifyRequest, up?: { path: string; name: string; fields: Record<string, string> }) {
  if (up) return { ...formFields(up.fields), ...P(r), file: { path: up.path, name: up.name } };
  // Only an upload makes a file: a "file" in a JSON body would name a path on the server.
  const { file: _q, ...query } = Q(r) as Record<string, unknown>;
  const { file: _b, ...body } = B(r) as Record<string, unknown>;
  return { ...query, ...body, ...P(r) };
}

export const apiRoutes: ApiRoute[] = [
  { method: 'GET', url: '/api/organizations', tag: 'organizations', action: A.listOrganizations, input: (r) => Q(r) },
  { method: 'GET', url: '/api/organizations/:organization', tag: 'organizations', action: A.showOrganization, input: (r) => P(r) },
  { method: 'PATCH', url: '/api/organizations/:organization', tag: 'organizations', action: A.updateOrganization, input: (r) => ({ ...B(r), ...P(r) }) },
  { method: 'GET', url: '/api/datasets', tag: 'datasets', action: A.searchDatasetsAction, input: (r) => Q(r) },
  { method: 'POST', url: '/api/datasets', tag: 'datasets', action: A.createDataset, input: (r) => B(r), successStatus: 201 },
  { method: 'GET', url: '/api/datasets/:dataset', tag: 'datasets', action: A.showDataset, input: (r) => P(r) },
  { method: 'PATCH', url: '/api/datasets/:dataset', tag: 'datasets', action: A.updateDataset, input: (r) => ({ ...B(r), ...P(r) }) },
  { method: 'POST', url: '/api/publish', tag: 'datasets', action: A.publishFile, upload: true, successStatus: 201, input: (r, up) => withSource(r, up) },
  { method: 'POST', url: '/api/publish/jobs', tag: 'jobs', action: A.startPublishFile, upload: true, successStatus: 202, input: (r, up) => withSource(r, up) },
  { method: 'POST', url: '/api/datasets/:dataset/versions', tag: 'versions', action: A.addVersion, upload: true, successStatus: 201, input: (r, up) => withSource(r, up) },
  { method: 'POST', url: '/api/datasets/:dataset/versions/jobs', tag: 'jobs', action: A.startAddVersionAction, upload: true, successStatus: 202, input: (r, up) => withSource(r, up) },
  { method: 'POST', url: '/api/resources/:resource/versions/:version/rollback', tag: 'versions', action: A.rollbackVersion, successStatus: 201, input: (r) => P(r) },
  { method: 'GET', url: '/api/resources/:resource/source', tag: 'sources', action: A.listRefreshes, input: (r) => ({ ...Q(r), ...P(r) }) },
  { method: 'POST', url: '/api/resources/:resource/source', tag: 'sources', action: A.setSource, input: (r) => ({ ...B(r), ...P(r) }) },
  { method: 'POST', url: '/api/resources/:resource/refresh', tag: 'sources', action: A.refreshResource, input: (r) => ({ ...Q(r), ...B(r), ...P(r) }) },
  { method: 'POST', url: '/api/refreshes/:run/approve', tag: 'sources', action: A.approveRefresh, input: (r) => P(r) },
  { method: 'POST', url: '/api/refreshes/:run/reject', tag: 'sources', action: A.rejectRefresh, input: (r) => P(r) },
  { method: 'GET', url: '/api/privacy/pending', tag: 'privacy', action: A.listPendingPrivacy, input: (r) => Q(r) },
  { method: 'POST', url: '/api/privacy/versions/:version/review', tag: 'privacy', action: A.reviewPrivacy, input: (r) => ({ ...B(r), ...P(r) }) },
  { method: 'POST', url: '/api/privacy/versions/:version/withhold', tag: 'privacy', action: A.withholdVersion, input: (r) => ({ ...B(r), ...P(r) }) },
  { method: 'GET', url: '/api/privacy/versions/:version/decisions', tag: 'privacy', action: A.privacyDecisions, input: (r) => P(r) },
  { method: 'POST', url: '/api/privacy/versions/:version/drop-personal', tag: 'privacy', action: A.publishWithoutPersonal, input: (r) => P(r) },
  { method: 'POST', url: '/api/privacy/versions/:version/anonymise', tag: 'privacy', action: A.anonymiseVersion, input: (r) => ({ ...Q(r), ...B(r), ...P(r) }) },
  { method: 'GET', url: '/api/organizations/:organization/register', tag: 'register', action: A.listRegister, input: (r) => ({ ...Q(r), ...P(r) }) },
  { method: 'POST', url: '/api/organizations/:organization/register', tag: 'register', action: A.createProcessing, input: (r) => ({ ...B(r), ...P(r) }), successStatus: 201 },
  { method: 'GET', url: '/api/organizations/:organization/register.:format', tag: 'register', action: A.exportRegister, file: true, input: (r) => ({ ...Q(r), ...P(r) }) },
  { method: 'GET', url: '/api/organizations/:organization/register/proposals', tag: 'register', action: A.proposeProcessings, input: (r) => ({ ...P(r), apply: false }) },
  { method: 'POST', url: '/api/organizations/:organization/register/proposals', tag: 'register', action: A.proposeProcessings, input: (r) => ({ ...Q(r), ...B(r), ...P(r) }) },
  { method: 'GET', url: '/api/register/:processing', tag: 'register', action: A.showProcessing, input: (r) => P(r) },
  { method: 'PATCH', url: '/api/register/:processing', tag: 'register', action: A.updateProcessing, input: (r) => ({ ...B(r), ...P(r) }) },
  { method: 'POST', url: '/api/register/:processing/end', tag: 'register', action: A.endProcessing, input: (r) => ({ ...B(r), ...P(r) }) },
  { method: 'GET', url: '/api/jobs', tag: 'jobs', action: A.listJobsAction, input: (r) => Q(r) },
  { method: 'GET', url: '/api/harvest/sources', tag: 'harvest', action: A.listHarvestSources, input: (r) => Q(r) },
  { method: 'POST', url: '/api/harvest/sources', tag: 'harvest', action: A.createHarvestSource, input: (r) => B(r), successStatus: 201 },
  { method: 'GET', url: '/api/harvest/sources/:source', tag: 'harvest', action: A.showHarvestSource, input: (r) => ({ ...Q(r), ...P(r) }) },
  { method: 'PATCH', url: '/api/harvest/sources/:source', tag: 'harvest', action: A.updateHarvestSource, input: (r) => ({ ...B(r), ...P(r) }) },
  { method: 'DELETE', url: '/api/harvest/sources/:source', tag: 'harvest', action: A.deleteHarvestSource, input: (r) => ({ ...Q(r), ...P(r) }) },
  { method: 'POST', url: '/api/harvest/sources/:source/run', tag: 'harvest', action: A.runHarvest, input: (r) => ({ ...Q(r), ...B(r), ...P(r) }) },
  { method: 'GET', url: '/api/harvest/sources/:source/runs', tag: 'harvest', action: A.listHarvestRuns, input: (r) => ({ ...Q(r), ...P(r) }) },
  { method: 'GET', url: '/api/jobs/:job', tag: 'jobs', action: A.showJob, input: (r) => P(r) },
  { method: 'POST', url: '/api/jobs/:job/retry', tag: 'jobs', action: A.retryJob, input: (r) => P(r) },
  { method: 'GET', url: '/api/datasets/:dataset/audit', tag: 'versions', action: A.showAudit, input: (r) => ({ ...Q(r), ...P(r) }) },
  { method: 'GET', url: '/api/datasets/:dataset/download.:format', tag: 'versions', action: A.exportVersion, file: true, input: (r) => ({ ...Q(r), ...P(r) }) },
  { method: 'GET', url: '/api/resources/:resource/versions', tag: 'versions', action: A.listVersionsAction, input: (r) => P(r) },
  { method: 'GET', url: '/api/resources/:resource_id/rows', tag: 'rows', action: A.queryRows, input: (r) => ({ ...Q(r), ...P(r) }) },
  { method: 'POST', url: '/api/resources/:resource_id/rows', tag: 'rows', action: A.queryRows, input: (r) => ({ ...B(r), ...P(r) }) },
  {
    method: 'POST', url: '/api/audit', tag: 'audit', action: A.auditFile, upload: true,
    input: (_r, up) => (up ? { ...formFields(up.fields), file: { path: up.path, name: up.name } } : {}),
  },
];
