/**
 * Stable error codes shared by every library, so the HTTP edge and the consumers can map or route
 * an error without importing the adapter that raised it.
 */
export const ErrorCodes = {
  validationFailed: 'VALIDATION_FAILED',
  configInvalid: 'CONFIG_INVALID',
  /** Bytes that are not a Confluent-framed Avro event we know (poison: dead-letter it). */
  eventUndecodable: 'EVENT_UNDECODABLE',
  /** The registry refused a schema because it breaks the subject's compatibility rule. */
  schemaIncompatible: 'SCHEMA_INCOMPATIBLE',
  /** The registry refused a schema as malformed. */
  schemaInvalid: 'SCHEMA_INVALID',
  /** The registry could not be reached or answered 5xx (retriable). */
  schemaRegistryUnavailable: 'SCHEMA_REGISTRY_UNAVAILABLE',
  /** The registry has no such subject or schema id. */
  schemaNotFound: 'SCHEMA_NOT_FOUND',
  /** The registry answered with an error we did not expect. */
  schemaRegistryError: 'SCHEMA_REGISTRY_ERROR',
  /** Kafka refused or failed a produce request. */
  kafkaPublishFailed: 'KAFKA_PUBLISH_FAILED',
  /** Kafka admin operation (topic creation, metadata) failed. */
  kafkaAdminFailed: 'KAFKA_ADMIN_FAILED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
