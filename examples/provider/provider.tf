terraform {
  required_providers {
    level27 = {
      source  = "level27/level27"
      version = "~> 0.1"
    }
  }
}

# The API key comes from LEVEL27_API_KEY and the API's URL from LEVEL27_API_URL (default:
# https://api.level27.eu/v1), so the configuration holds no secret.
provider "level27" {
  request_timeout = "60s"
  max_retries     = 5
}
