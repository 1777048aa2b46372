#!/bin/sh
# A baremetal server is imported by its system id. A vm's id is refused: import it as level27_vm.
terraform import level27_baremetal.db 4200
