output "gateway_role_arn" {
  description = "The gateway's role ARN."
  value       = aws_iam_role.gateway.arn
}

output "kms_key_arns" {
  description = "Key ARNs by name, the gateway's key as `gateway`."
  value       = merge({ for k, key in aws_kms_key.this : k => key.arn }, { gateway = aws_kms_key.gateway.arn })
}
