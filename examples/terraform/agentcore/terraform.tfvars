# The reference configuration (policies/platform.json in iamsim).
prefix        = "acme"
env           = "dev"
account_id    = "111122223333"
region        = "us-east-1"
ssm_root_path = "/acme/dev"

cognito_enabled                 = true
oauth2_credential_provider_name = "acme-dev-gateway-m2m"

# The KMS key ARNs are those of the platform module's keys once applied (AWS chooses key ids).
agents = {
  research = {
    artifacts_bucket_arn           = "arn:aws:s3:::acme-dev-artifacts"
    extra_s3_read_bucket_arns      = ["arn:aws:s3:::acme-dev-datasets"]
    platform_artifacts_kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d04"
    prompt_registry_function_arn   = "arn:aws:lambda:us-east-1:111122223333:function:acme-dev-prompt-registry"
    idempotency_table_name         = "acme-dev-idempotency"
    evaluation_table_name          = "acme-dev-evaluations"
  }
  support = {
    domain_artifacts_kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d05"
    storage_kms_key_arn          = "arn:aws:kms:us-east-1:111122223333:key/0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d02"
    artifacts_table_name         = "acme-dev-artifacts-catalog"
    data_kms_key_arn             = "arn:aws:kms:us-east-1:111122223333:key/0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d01"
  }
  billing       = {}
  "research-v2" = {}
}
