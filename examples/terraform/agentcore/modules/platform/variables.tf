variable "name_prefix" {
  description = "<prefix>-<env>; every name starts with it."
  type        = string
}

variable "account_id" {
  description = "The account of the role, the keys and the ARNs they name."
  type        = string
}

variable "region" {
  description = "The region of the regional ARNs."
  type        = string
}

variable "cognito_enabled" {
  description = "The gateway uses Cognito and an outbound OAuth2 credential provider."
  type        = bool
}

variable "oauth2_credential_provider_name" {
  description = "The gateway's OAuth2 credential provider; required when cognito_enabled."
  type        = string
  default     = ""
}

variable "kms_keys" {
  description = "The platform's KMS keys besides the gateway's; each gets alias/<name_prefix>-<name with dashes>."
  type        = set(string)
  default     = ["data", "storage", "secrets", "platform_artifacts", "domain_artifacts"]
}
