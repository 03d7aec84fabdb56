from django.http import HttpRequest, HttpResponse


def item_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("items")
