# `terraform test` (Terraform 1.6 or later) runs these blocks in order against one state; at the
# end it destroys what the applies made. LEVEL27_API_URL and LEVEL27_API_KEY name the sandbox.

# Plan only: what the configuration says, before anything exists.
run "plan_names_the_app_and_its_url" {
  command = plan

  assert {
    condition     = level27_app.this.name == "shop"
    error_message = "The app is not named after var.app_name."
  }

  assert {
    condition     = level27_plan.this.name == "shop-hosting"
    error_message = "The plan is not named after the app."
  }

  assert {
    condition     = level27_domain_record.apex.content == "203.0.113.10"
    error_message = "The apex record does not point at var.apex_ipv4."
  }
}

# A variable validation is a failure `expect_failures` can expect.
run "rejects_an_app_name_with_capitals" {
  command = plan

  variables {
    app_name = "Shop"
  }

  expect_failures = [var.app_name]
}

run "rejects_an_apex_that_is_no_ipv4" {
  command = plan

  variables {
    apex_ipv4 = "2001:db8::10"
  }

  expect_failures = [var.apex_ipv4]
}

# Apply: the computed attributes are the sandbox's answers.
run "apply_serves_the_app_at_www" {
  assert {
    condition     = output.url == "http://www.acme-shop.be"
    error_message = "The app is served at ${output.url}, not http://www.acme-shop.be."
  }

  assert {
    condition     = output.domain_fullname == "acme-shop.be"
    error_message = "The domain's full name is ${output.domain_fullname}."
  }

  assert {
    condition     = level27_app.this.id > 0 && level27_app_component.web.app_id == level27_app.this.id
    error_message = "The component is not in the app."
  }
}

# A second apply on the same state: a changed record is updated in place.
run "a_new_apex_address_updates_the_record" {
  variables {
    apex_ipv4 = "203.0.113.20"
  }

  assert {
    condition     = level27_domain_record.apex.content == "203.0.113.20"
    error_message = "The apex record was not updated."
  }

  assert {
    condition     = output.app_id == run.apply_serves_the_app_at_www.app_id
    error_message = "Changing the record replaced the app."
  }
}
