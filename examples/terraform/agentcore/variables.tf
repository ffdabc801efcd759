variable "prefix" {
  description = "Organisation prefix of every name."
  type        = string
}

variable "env" {
  description = "Environment; the name prefix is <prefix>-<env>."
  type        = string
}

variable "account_id" {
  description = "The account of every role and key (given, so that planning needs no AWS call)."
  type        = string
}

variable "region" {
  description = "The region of every regional ARN."
  type        = string
}

variable "ssm_root_path" {
  description = "The SSM path the agents read, without a trailing slash."
  type        = string
}

variable "cognito_enabled" {
  description = "The gateway uses Cognito and an outbound OAuth2 credential provider."
  type        = bool
  default     = false
}

variable "oauth2_credential_provider_name" {
  description = "The gateway's OAuth2 credential provider (when Cognito is enabled)."
  type        = string
  default     = ""
}

variable "agents" {
  description = "Agents by key. Every variable is optional: unset (empty) leaves its statement out."
  type = map(object({
    artifacts_bucket_arn           = optional(string, "")
    extra_s3_read_bucket_arns      = optional(list(string), [])
    platform_artifacts_kms_key_arn = optional(string, "")
    domain_artifacts_kms_key_arn   = optional(string, "")
    storage_kms_key_arn            = optional(string, "")
    data_kms_key_arn               = optional(string, "")
    prompt_registry_function_arn   = optional(string, "")
    artifacts_table_name           = optional(string, "")
    idempotency_table_name         = optional(string, "")
    evaluation_table_name          = optional(string, "")
  }))
  default = {}
}
