#!/bin/sh
# A domain is imported by its id. `action` is not returned by the API and stays unset in state.
terraform import level27_domain.acme 2000
