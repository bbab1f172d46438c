from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from samizdat.blogs.models import Blog


@login_required
def home(request):
    blogs = Blog.objects.all() if request.user.is_superuser else Blog.objects.filter(memberships__user=request.user)
    return render(request, "dashboard/home.html", {"blogs": blogs})
