# What a .be domain needs: whether a transfer asks for the EPP code.
data "level27_domain_type" "be" {
  extension = "be"
}

output "be_transfer_needs_epp_code" {
  value = data.level27_domain_type.be.transfer_epp_code_required
}
