# A plan by its exact name.
data "level27_plan" "shop" {
  name = "shop-hosting"

  # Only when the plan is created in the same configuration (here by the level27_plan example).
  depends_on = [level27_plan.shop]
}

output "shop_plan_package" {
  value = data.level27_plan.shop.base_package
}
