#!/bin/sh
# An organisation is imported by its id.
terraform import level27_organisation.acme 1000
