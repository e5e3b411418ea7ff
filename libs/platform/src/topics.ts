import { DEAD_LETTER_TOPIC, SOURCE_TOPICS } from '@trace/contracts';

/** The contract's topic names under a deployment prefix. */
export const prefixedTopics = (prefix: string): { sources: string[]; deadLetter: string } => ({
  sources: SOURCE_TOPICS.map((t) => prefix + t),
  deadLetter: prefix + DEAD_LETTER_TOPIC,
});

/** The contract topic a prefixed topic name stands for. */
export const contractTopic = (prefix: string, topic: string): string =>
  prefix && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
