variable "name_prefix" {
  description = "<prefix>-<env>; every name starts with it."
  type        = string
}

variable "account_id" {
  description = "The account of the roles and of the ARNs they name."
  type        = string
}

variable "region" {
  description = "The region of the regional ARNs."
  type        = string
}

variable "ssm_root_path" {
  description = "The SSM path every agent reads (`/acme/dev`)."
  type        = string
}

variable "gateway_role_arn" {
  description = "The gateway's role, which agents may get and pass."
  type        = string
}

variable "key" {
  description = "The agent's key: role <name_prefix>-agent-<key>, repository <name_prefix>-<key>."
  type        = string
}

# Optional variables: unset ("" or []) leaves the statement out.

variable "artifacts_bucket_arn" {
  description = "S3 bucket the agent reads and writes (ArtifactsBucketAccess)."
  type        = string
  default     = ""
  nullable    = false
}

variable "extra_s3_read_bucket_arns" {
  description = "S3 buckets the agent reads (ExtraS3ReadAccess)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "platform_artifacts_kms_key_arn" {
  description = "Platform artifacts key (PlatformKmsDecrypt)."
  type        = string
  default     = ""
  nullable    = false
}

variable "domain_artifacts_kms_key_arn" {
  description = "Domain artifacts key (DomainKmsDecrypt)."
  type        = string
  default     = ""
  nullable    = false
}

variable "storage_kms_key_arn" {
  description = "Storage key (StorageKmsAccess)."
  type        = string
  default     = ""
  nullable    = false
}

variable "data_kms_key_arn" {
  description = "Data key of the artifacts catalog (ArtifactsCatalogKMS)."
  type        = string
  default     = ""
  nullable    = false
}

variable "prompt_registry_function_arn" {
  description = "Prompt registry Lambda function (PromptRegistryInvoke)."
  type        = string
  default     = ""
  nullable    = false
}

variable "artifacts_table_name" {
  description = "Artifacts catalog DynamoDB table (ArtifactsCatalogAccess)."
  type        = string
  default     = ""
  nullable    = false
}

variable "idempotency_table_name" {
  description = "Idempotency DynamoDB table (IdempotencyTableAccess)."
  type        = string
  default     = ""
  nullable    = false
}

variable "evaluation_table_name" {
  description = "Evaluation DynamoDB table (EvaluationTableAccess)."
  type        = string
  default     = ""
  nullable    = false
}
