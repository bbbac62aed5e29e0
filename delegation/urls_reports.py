app_name = "delegation-reports"

urlpatterns: list = []
