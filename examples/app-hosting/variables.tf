variable "organisation_name" {
  description = "The organisation that owns everything."
  type        = string
  default     = "Acme Shop"
}

variable "tax_number" {
  description = "The organisation's VAT number."
  type        = string
  default     = "BE0123456780"
}

variable "app_name" {
  description = "The app's name; the plan is named after it."
  type        = string
  default     = "shop"
}

variable "base_package" {
  description = "The plan's base package (see data.level27_plan_packages.all)."
  type        = string
  default     = "drupal_run"
}

variable "php_version" {
  description = "The php version, one installed on the shared system group."
  type        = string
  default     = "8.2"
}

variable "domain" {
  description = "The shop's domain; www.<domain> is served by the php component."
  type        = string
  default     = "shop.example"
}

variable "web_password" {
  description = "The php component's password (write-only on Terraform 1.11+; null lets Level27 generate one)."
  type        = string
  default     = null
  sensitive   = true
}

variable "web_password_version" {
  description = "Change it to send web_password again."
  type        = number
  default     = 1
}
