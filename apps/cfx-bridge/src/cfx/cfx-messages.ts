/** The CFX messages the bridge maps to contract events (full names, as in an envelope's MessageName). */
export const MAPPED_MESSAGES = {
  materialsInitialized: 'CFX.Materials.Management.MaterialsInitialized',
  materialsReceived: 'CFX.Materials.Management.MaterialsReceived',
  materialsSplit: 'CFX.Materials.Management.MaterialsSplit',
  materialsJoined: 'CFX.Materials.Management.MaterialsJoined',
  splicePointDetected: 'CFX.Materials.Storage.SplicePointDetected',
  materialsInstalled: 'CFX.Production.Assembly.MaterialsInstalled',
  materialsUninstalled: 'CFX.Production.Assembly.MaterialsUninstalled',
  unitsInitialized: 'CFX.Production.UnitsInitialized',
  unitsDisqualified: 'CFX.Production.UnitsDisqualified',
  materialsModified: 'CFX.Materials.Management.MaterialsModified',
  workOrdersCreated: 'CFX.InformationSystem.WorkOrderManagement.WorkOrdersCreated',
  workOrdersUpdated: 'CFX.InformationSystem.WorkOrderManagement.WorkOrdersUpdated',
} as const;

export type MappedMessageName = (typeof MAPPED_MESSAGES)[keyof typeof MAPPED_MESSAGES];

const BY_LOWER_NAME = new Map<string, MappedMessageName>(Object.values(MAPPED_MESSAGES).map((n) => [n.toLowerCase(), n]));

/** The mapped message a MessageName stands for, in any letter case. */
export const mappedMessage = (name: string): MappedMessageName | undefined => BY_LOWER_NAME.get(name.toLowerCase());

// Every CFX message lives in one of these namespaces (CFX SDK 2.1). A name in them that the bridge does not map is a
// message it does not use (counted); a name outside them is no CFX message at all (dead-lettered).
const CFX_NAMESPACES = /^CFX\.(Production|Materials|ResourcePerformance|InformationSystem|Maintenance|Sensor|Transport)(\.[A-Z][A-Za-z0-9]*)+$/;
const CFX_TOP_LEVEL = new Set(['CFX.AreYouThereRequest', 'CFX.AreYouThereResponse', 'CFX.NotSupportedResponse', 'CFX.EndpointConnected', 'CFX.EndpointShuttingDown', 'CFX.GetEndpointInformationRequest', 'CFX.GetEndpointInformationResponse', 'CFX.Heartbeat', 'CFX.WhoIsThereRequest', 'CFX.WhoIsThereResponse']);

/** True for the name of a CFX message, mapped or not. */
export const isCfxMessageName = (name: string): boolean => CFX_NAMESPACES.test(name) || CFX_TOP_LEVEL.has(name);
