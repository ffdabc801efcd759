# One agent's IAM role (the root module calls this module once per agent, with `for_each`), with
# the inline policy `agent`: the statements every agent has, then one statement per optional
# variable that is set (`dynamic "statement"`).

locals {
  arn_suffix = "${var.region}:${var.account_id}"
}

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "AssumeRolePolicy"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["bedrock-agentcore.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:bedrock-agentcore:${local.arn_suffix}:*"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name_prefix}-agent-${var.key}"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "agent" {
  statement {
    sid       = "BedrockInvoke"
    actions   = ["bedrock:*"]
    resources = ["*"]
  }

  statement {
    sid       = "AgentCoreActions"
    actions   = ["bedrock-agentcore:*"]
    resources = ["*"]
  }

  statement {
    sid       = "EcrAuth"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "EcrPull"
    actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = ["arn:aws:ecr:${local.arn_suffix}:repository/${var.name_prefix}-${var.key}"]
  }

  statement {
    sid = "CloudWatchLogs"
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:Describe*",
    ]
    resources = [
      "arn:aws:logs:${local.arn_suffix}:log-group:/aws/bedrock-agentcore/${var.name_prefix}-${var.key}*",
      "arn:aws:logs:${local.arn_suffix}:log-group:/aws/bedrock-agentcore/runtimes/${var.key}",
      "arn:aws:logs:${local.arn_suffix}:log-group:/aws/bedrock-agentcore/runtimes/${var.key}:*",
    ]
  }

  statement {
    sid       = "XRayTracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  statement {
    sid     = "EvaluationAndGatewayRoleAccess"
    actions = ["iam:GetRole", "iam:PassRole"]
    resources = [
      "arn:aws:iam::${var.account_id}:role/AgentCoreEvalsSDK-*",
      var.gateway_role_arn,
    ]
  }

  statement {
    sid     = "SsmParameterRead"
    actions = ["ssm:GetParameter", "ssm:GetParametersByPath"]
    resources = [
      "arn:aws:ssm:${local.arn_suffix}:parameter${var.ssm_root_path}",
      "arn:aws:ssm:${local.arn_suffix}:parameter${var.ssm_root_path}/*",
    ]
  }

  dynamic "statement" {
    for_each = var.artifacts_bucket_arn != "" ? [var.artifacts_bucket_arn] : []
    content {
      sid       = "ArtifactsBucketAccess"
      actions   = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
      resources = [statement.value, "${statement.value}/*"]
    }
  }

  dynamic "statement" {
    for_each = length(var.extra_s3_read_bucket_arns) > 0 ? [var.extra_s3_read_bucket_arns] : []
    content {
      sid       = "ExtraS3ReadAccess"
      actions   = ["s3:GetObject", "s3:ListBucket"]
      resources = flatten([for b in statement.value : [b, "${b}/*"]])
    }
  }

  dynamic "statement" {
    for_each = var.platform_artifacts_kms_key_arn != "" ? [var.platform_artifacts_kms_key_arn] : []
    content {
      sid       = "PlatformKmsDecrypt"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.domain_artifacts_kms_key_arn != "" ? [var.domain_artifacts_kms_key_arn] : []
    content {
      sid       = "DomainKmsDecrypt"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.storage_kms_key_arn != "" ? [var.storage_kms_key_arn] : []
    content {
      sid       = "StorageKmsAccess"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.prompt_registry_function_arn != "" ? [var.prompt_registry_function_arn] : []
    content {
      sid       = "PromptRegistryInvoke"
      actions   = ["lambda:InvokeFunction"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.artifacts_table_name != "" ? [var.artifacts_table_name] : []
    content {
      sid       = "ArtifactsCatalogAccess"
      actions   = ["dynamodb:PutItem"]
      resources = ["arn:aws:dynamodb:${local.arn_suffix}:table/${statement.value}"]
    }
  }

  dynamic "statement" {
    for_each = var.data_kms_key_arn != "" ? [var.data_kms_key_arn] : []
    content {
      sid       = "ArtifactsCatalogKMS"
      actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.idempotency_table_name != "" ? [var.idempotency_table_name] : []
    content {
      sid       = "IdempotencyTableAccess"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
      resources = ["arn:aws:dynamodb:${local.arn_suffix}:table/${statement.value}"]
    }
  }

  dynamic "statement" {
    for_each = var.evaluation_table_name != "" ? [var.evaluation_table_name] : []
    content {
      sid       = "EvaluationTableAccess"
      actions   = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"]
      resources = ["arn:aws:dynamodb:${local.arn_suffix}:table/${statement.value}"]
    }
  }
}

resource "aws_iam_role_policy" "agent" {
  name   = "agent"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.agent.json
}
