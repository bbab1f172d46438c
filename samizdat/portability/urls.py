from django.urls import path

from . import views

app_name = "portability"

# Mounted under /dashboard/; every URL here is in the matrix of tests/dashboard/test_permissions.py.
urlpatterns = [
    path("<slug:blog_slug>/import/", views.import_wordpress, name="import"),
]
