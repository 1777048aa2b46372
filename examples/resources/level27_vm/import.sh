#!/bin/sh
# A vm is imported by its system id. A baremetal system's id is refused: import it as level27_baremetal.
terraform import level27_vm.web 4200
