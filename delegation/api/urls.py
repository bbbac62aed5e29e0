app_name = "delegation-api"

urlpatterns: list = []
