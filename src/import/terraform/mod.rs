//! Terraform plan JSON -> inventory files (work in progress).
