app_name = "delegation-import"

urlpatterns: list = []
