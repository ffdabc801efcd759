output "agent_role_arns" {
  description = "Role ARN of each agent, by key."
  value       = { for k, a in module.agent : k => a.role_arn }
}

output "gateway_role_arn" {
  description = "The gateway's role ARN."
  value       = module.platform.gateway_role_arn
}

output "kms_key_arns" {
  description = "Platform KMS key ARNs, by name."
  value       = module.platform.kms_key_arns
}
