#!/bin/sh
# A plan is imported by its id.
terraform import level27_plan.shop 1000
