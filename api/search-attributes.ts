import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The cluster a run belongs to, as `<namespace>/<name>`: the UI's and CLI's main filter. */
export const CapstanCluster = defineSearchAttributeKey('CapstanCluster', SearchAttributeType.KEYWORD);

/** Where an operation stands (Running, Blocked, ...), so blocked runs can be listed. */
export const CapstanPhase = defineSearchAttributeKey('CapstanPhase', SearchAttributeType.KEYWORD);

/** Which lifecycle operation a run performs (provision, upgrade, rollout, delete, ...). */
export const CapstanOperation = defineSearchAttributeKey('CapstanOperation', SearchAttributeType.KEYWORD);

/** Every search attribute Capstan's workflows set; a namespace must have all of them registered. */
export const capstanSearchAttributes = [CapstanCluster, CapstanPhase, CapstanOperation] as const;
