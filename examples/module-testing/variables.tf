variable "organisation_name" {
  description = "The organisation that owns everything."
  type        = string
  default     = "Acme Shop"
}

variable "tax_number" {
  description = "The organisation's VAT number."
  type        = string
  default     = "BE0123456781"
}

variable "app_name" {
  description = "The app's name; the plan is named after it."
  type        = string
  default     = "shop"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.app_name))
    error_message = "The app_name must be lower case letters, digits and dashes, starting with a letter."
  }
}

variable "domain" {
  description = "The domain's name without its extension (.be)."
  type        = string
  default     = "acme-shop"
}

variable "apex_ipv4" {
  description = "The IPv4 address the domain's apex points at."
  type        = string
  default     = "203.0.113.10"

  validation {
    condition     = can(regex("^(\\d{1,3}\\.){3}\\d{1,3}$", var.apex_ipv4))
    error_message = "The apex_ipv4 must be an IPv4 address such as 203.0.113.10."
  }
}
