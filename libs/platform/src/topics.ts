import { DEAD_LETTER_TOPIC, SOURCE_TOPICS } from '@trace/contracts';
import type { TopicSetting } from './kafka';

/** The contract's topic names under a deployment prefix. */
export const prefixedTopics = (prefix: string): { sources: string[]; deadLetter: string } => ({
  sources: SOURCE_TOPICS.map((t) => prefix + t),
  deadLetter: prefix + DEAD_LETTER_TOPIC,
});

/** The contract topic a prefixed topic name stands for. */
export const contractTopic = (prefix: string, topic: string): string =>
  prefix && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;

/**
 * The settings of a trace topic: no time limit, no size limit, no compaction. The topics are the system of record (the
 * graph is rebuilt from them) and traceability records must outlive the products they trace, 10 years and more in
 * medical and automotive. The dead-letter topic keeps the broker's defaults: a letter is a copy of a message that stays
 * on its trace topic (the letter names its topic, partition and offset), a work item for an operator, not the record.
 */
export const TRACE_TOPIC_SETTINGS: readonly TopicSetting[] = [
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
  { name: 'cleanup.policy', value: 'delete' },
];

/** For ensureTopics: the trace topics' settings for the trace topics under `prefix`, the broker's defaults for any other. */
export const topicSettingsOf =
  (prefix: string): ((topic: string) => readonly TopicSetting[] | undefined) =>
  (topic) =>
    prefixedTopics(prefix).sources.includes(topic) ? TRACE_TOPIC_SETTINGS : undefined;
