# The reference AgentCore platform: the platform module (gateway role, KMS keys and aliases)
# and the agent module once per agent (`for_each`), wired as a platform team would.

provider "aws" {
  region = var.region
}

locals {
  name_prefix = "${var.prefix}-${var.env}"
}

module "platform" {
  source = "./modules/platform"

  name_prefix                     = local.name_prefix
  account_id                      = var.account_id
  region                          = var.region
  cognito_enabled                 = var.cognito_enabled
  oauth2_credential_provider_name = var.oauth2_credential_provider_name
}

module "agent" {
  source   = "./modules/agent"
  for_each = var.agents

  key              = each.key
  name_prefix      = local.name_prefix
  account_id       = var.account_id
  region           = var.region
  ssm_root_path    = var.ssm_root_path
  gateway_role_arn = module.platform.gateway_role_arn

  artifacts_bucket_arn           = each.value.artifacts_bucket_arn
  extra_s3_read_bucket_arns      = each.value.extra_s3_read_bucket_arns
  platform_artifacts_kms_key_arn = each.value.platform_artifacts_kms_key_arn
  domain_artifacts_kms_key_arn   = each.value.domain_artifacts_kms_key_arn
  storage_kms_key_arn            = each.value.storage_kms_key_arn
  data_kms_key_arn               = each.value.data_kms_key_arn
  prompt_registry_function_arn   = each.value.prompt_registry_function_arn
  artifacts_table_name           = each.value.artifacts_table_name
  idempotency_table_name         = each.value.idempotency_table_name
  evaluation_table_name          = each.value.evaluation_table_name
}
