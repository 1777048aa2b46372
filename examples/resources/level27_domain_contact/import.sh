#!/bin/sh
# A domain contact is imported by its id.
terraform import level27_domain_contact.owner 2000
