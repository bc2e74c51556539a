/** Everything Dataville can do: the list of actions. Adapters (HTTP, pages, CLI) call these and nothing else. */
export { listOrganizations, showOrganization, updateOrganization } from './organizations.ts';
export { searchDatasetsAction, showDataset, createDataset, updateDataset } from './datasets.ts';
export { publishFile, startPublishFile, addVersion, startAddVersionAction, rollbackVersion, listVersionsAction, showAudit, prepareVersion } from './versions.ts';
export { listJobsAction, showJob, retryJob, setSource, refreshResource, listRefreshes, approveRefresh, rejectRefresh } from './jobs.ts';
export { queryRows, exportVersion } from './rows.ts';
export { auditFile } from './audit.ts';
export { addUser, grantRoleAction, createToken, signIn, signOut } from './users.ts';
export { sweepVersions } from './maintenance.ts';
export {
  datasetStars, datasetMetadataScore, organizationMetadataScore, getColumnMappings, setColumnMappingsAction, rowRdf, resourceVocabulary,
  datasetDataPackage, resourceCsvw, datasetSchemaOrg, exportGeoJsonAction, catalogFeed, organizationFeed,
} from './describe.ts';
export {
  ckanPackageList, ckanPackageShow, ckanPackageSearch, ckanResourceShow, ckanOrganizationList, ckanOrganizationShow,
  ckanGroupList, ckanGroupShow, ckanTagList, ckanDatastoreSearchSql, ckanStatusShow, ckanHelpShow,
} from './ckan.ts';
export { createHarvestSource, listHarvestSources, showHarvestSource, updateHarvestSource, deleteHarvestSource, runHarvest, listHarvestRuns } from './harvest.ts';
export { publishedCatalog } from './catalog.ts';
export { listPendingPrivacy, reviewPrivacy, withholdVersion, privacyDecisions, anonymiseVersion, publishWithoutPersonal } from './privacy.ts';
export { listRegister, showProcessing, createProcessing, updateProcessing, endProcessing, proposeProcessings, exportRegister } from './gdpr.ts';
export { callAction } from './registry.ts';
