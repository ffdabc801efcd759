output "role_arn" {
  description = "The agent's role ARN."
  value       = aws_iam_role.this.arn
}
