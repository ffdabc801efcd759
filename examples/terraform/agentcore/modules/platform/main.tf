# The platform's shared IAM: the gateway role with its inline policies, the five platform KMS
# keys and the gateway's key, each with the same key policy and an alias.

locals {
  arn_suffix = "${var.region}:${var.account_id}"
}

# ---- Gateway role ---------------------------------------------------------------------------

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

resource "aws_iam_role" "gateway" {
  name               = "${var.name_prefix}-gateway"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "gateway" {
  statement {
    sid       = "InvokeMcpLambdaFunctions"
    actions   = ["lambda:InvokeFunction"]
    resources = ["arn:aws:lambda:${local.arn_suffix}:function:${var.name_prefix}-*"]
  }

  statement {
    sid       = "CloudWatchLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:${local.arn_suffix}:log-group:/aws/bedrock-agentcore/gateways/${var.name_prefix}-gateway*"]
  }

  statement {
    sid = "GatewayRuntimeAccess"
    actions = [
      "bedrock-agentcore:GetGateway",
      "bedrock-agentcore:GetGatewayTarget",
      "bedrock-agentcore:ListGatewayTargets",
    ]
    resources = ["arn:aws:bedrock-agentcore:${local.arn_suffix}:gateway/*"]
  }

  statement {
    sid = "PolicyEngineAccess"
    actions = [
      "bedrock-agentcore:AuthorizeAction",
      "bedrock-agentcore:PartiallyAuthorizeActions",
      "bedrock-agentcore:GetPolicyEngine",
    ]
    resources = ["arn:aws:bedrock-agentcore:${local.arn_suffix}:policy-engine/*"]
  }

  statement {
    sid       = "RuntimeAccess"
    actions   = ["bedrock-agentcore:GetAgentRuntime", "bedrock-agentcore:InvokeAgentRuntime"]
    resources = ["arn:aws:bedrock-agentcore:${local.arn_suffix}:runtime/*"]
  }

  statement {
    sid       = "KmsGatewayEncryption"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [aws_kms_key.gateway.arn]
  }
}

resource "aws_iam_role_policy" "gateway" {
  name   = "gateway"
  role   = aws_iam_role.gateway.id
  policy = data.aws_iam_policy_document.gateway.json
}

data "aws_iam_policy_document" "gateway_oauth2" {
  count = var.cognito_enabled ? 1 : 0

  statement {
    sid       = "GetResourceOauth2Token"
    actions   = ["bedrock-agentcore:GetResourceOauth2Token"]
    resources = ["arn:aws:bedrock-agentcore:${local.arn_suffix}:token-vault/default/oauth2credentialprovider/${var.oauth2_credential_provider_name}"]
  }
}

resource "aws_iam_role_policy" "gateway_oauth2" {
  count = var.cognito_enabled ? 1 : 0

  name   = "gateway-oauth2"
  role   = aws_iam_role.gateway.id
  policy = data.aws_iam_policy_document.gateway_oauth2[0].json
}

# ---- KMS keys -------------------------------------------------------------------------------

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "EnableIAMUserPermissions"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.account_id}:root"]
    }
  }

  statement {
    sid = "AllowCloudWatchLogs"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:aws:logs:${local.arn_suffix}:*"]
    }
  }
}

resource "aws_kms_key" "this" {
  for_each = var.kms_keys

  description         = "${var.name_prefix} ${replace(each.key, "_", " ")} key"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "this" {
  for_each = var.kms_keys

  name          = "alias/${var.name_prefix}-${replace(each.key, "_", "-")}"
  target_key_id = aws_kms_key.this[each.key].key_id
}

resource "aws_kms_key" "gateway" {
  description         = "${var.name_prefix} gateway key"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "gateway" {
  name          = "alias/${var.name_prefix}-gateway"
  target_key_id = aws_kms_key.gateway.key_id
}
