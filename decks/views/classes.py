"""Class pages: joining and leaving, leaderboards, and the teacher's class pages."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decks.forms_classes import ClassForm, JoinForm
from decks.forms_practice import ClassTestForm
from decks.models import Classroom
from decks.selectors import decks_editable_by, is_class_teacher, is_teacher
from decks.services.classes import (
    JoinRefused,
    class_create,
    class_join,
    class_joined_with,
    class_leave,
    class_save,
    join_code_regenerate,
    join_code_shaped,
)
from decks.services.clock import today_for_study
from decks.services.exports import class_progress_csv
from decks.services.leaderboard import PERIODS, SORTABLE, class_leaderboard
from decks.services.practice import class_test_create, class_tests_open, finished_tests_of
from decks.services.progress import (
    ITEM_SORTS,
    class_progress,
    days_until,
    item_analysis,
    readiness_for,
    student_hardest_cards,
    student_standing,
)
from decks.throttles import count_attempt, failed, over_limit, throttled, too_many
from decks.views.htmx import HtmxHttpRequest

ITEMS_PER_PAGE = 25


def _class_for_member(request: HtmxHttpRequest, pk: int) -> Classroom:
    """The class if the user is one of its students or teachers; anyone else gets a 404."""
    user = request.user
    return get_object_or_404(
        Classroom.objects.filter(Q(students=user) | Q(teachers=user)).distinct(), pk=pk
    )


def _class_for_teacher(request: HtmxHttpRequest, pk: int) -> Classroom:
    return get_object_or_404(Classroom.objects.filter(teachers=request.user), pk=pk)


@login_required
@require_GET
def class_list(request: HtmxHttpRequest):
    today = today_for_study()
    joined = list(request.user.classes_joined.all())
    for classroom in joined:
        classroom.days_to_exam = days_until(classroom.exam_date, today)
    return render(
        request,
        "decks/class_list.html",
        {
            "joined": joined,
            "taught": request.user.classes_taught.all(),
            "join_form": JoinForm(),
            "is_teacher": is_teacher(request.user),
        },
    )


# A join link opened logged out is remembered here, so that the log-in or sign-up it leads
# to lands back on the link and joins: the student's own log-in is the confirmation.
PENDING_JOIN_KEY = "pending_join_code"


JOIN_THROTTLED = gettext_lazy(
    "Too many join codes tried. Wait a few minutes, or ask your teacher for the link."
)


@require_http_methods(["GET", "POST"])
# Wrong codes count, not joins: a whole class joins from one school address.
@throttled("join", JOIN_THROTTLED, counts=failed)
def class_join_view(request: HtmxHttpRequest, code: str = ""):
    if not request.user.is_authenticated:
        # Only a code that could exist is kept: anything else would be a session row per GET.
        if join_code_shaped(code):
            request.session[PENDING_JOIN_KEY] = code
        return redirect_to_login(request.get_full_path())
    pending = request.method == "GET" and code and request.session.pop(PENDING_JOIN_KEY, "") == code
    # A link carried through log-in joins on this GET: a code tried, like a POST.
    if pending and over_limit(request, "join"):
        return too_many(request, str(JOIN_THROTTLED))
    response = _join(request, code, pending)
    if pending and failed(request, response):
        count_attempt(request, "join")
    return response


def _join(request: HtmxHttpRequest, code: str, pending: bool) -> HttpResponse:
    data = request.POST if request.method == "POST" else ({"code": code} if pending else None)
    form = JoinForm(data, initial={"code": code})
    if form.is_bound and form.is_valid():
        member_of = class_joined_with(student=request.user, code=form.cleaned_data["code"])
        if member_of is not None:
            messages.info(request, _("You are already in %(name)s.") % {"name": member_of.name})
            return redirect(member_of)
        try:
            classroom = class_join(student=request.user, code=form.cleaned_data["code"])
        except JoinRefused as refused:
            form.add_error("code", str(refused))
        else:
            messages.success(
                request,
                _("You joined %(name)s. Its decks are on your home page.")
                % {"name": classroom.name},
            )
            return redirect(classroom)
    elif code and (member_of := class_joined_with(student=request.user, code=code)):
        messages.info(request, _("You are already in %(name)s.") % {"name": member_of.name})
        return redirect(member_of)
    return render(request, "decks/class_join.html", {"form": form, "code": code})


@login_required
@require_POST
def class_leave_view(request: HtmxHttpRequest, pk: int):
    classroom = get_object_or_404(request.user.classes_joined, pk=pk)
    if request.POST.get("confirm") != "yes":
        return _confirm_page(request, classroom, "leave")
    class_leave(student=request.user, classroom=classroom)
    messages.info(
        request, _("You left %(name)s. Your progress is kept.") % {"name": classroom.name}
    )
    return redirect("class_list")


@login_required
@require_GET
def class_detail(request: HtmxHttpRequest, pk: int):
    return _class_page(request, _class_for_member(request, pk))


def _confirm_page(request: HtmxHttpRequest, classroom: Classroom, action: str) -> HttpResponse:
    """Ask before what cannot be undone from this page; it needs no JavaScript.

    A new code stops the old one and its link at once, for students who have not joined
    yet; leaving takes the class's decks off the student's home page.
    """
    return render(request, "decks/class_confirm.html", {"classroom": classroom, "action": action})


def _class_page(
    request: HtmxHttpRequest,
    classroom: Classroom,
    form: ClassForm | None = None,
    test_form: ClassTestForm | None = None,
) -> HttpResponse:
    today = today_for_study()
    teacher = is_class_teacher(request.user, classroom)
    context = {
        "classroom": classroom,
        "teacher": teacher,
        "decks": classroom.decks.order_by("title"),
        "days_to_exam": days_until(classroom.exam_date, today),
        "readiness": None
        if teacher
        else readiness_for(student_id=request.user.pk, classroom=classroom),
    }
    context["class_tests"] = (
        classroom.tests.prefetch_related("decks").annotate(taken=Count("attempts"))
        if teacher
        else class_tests_open(classroom=classroom, today=today)
    )
    if teacher:
        context["test_form"] = test_form or ClassTestForm(
            classroom=classroom,
            initial={"opens_on": today, "closes_on": today + timedelta(days=7),
                     "decks": list(classroom.decks.all())},
        )  # fmt: skip
        context["join_url"] = request.build_absolute_uri(
            reverse("class_join_code", args=[classroom.join_code])
        )
        context["form"] = form or ClassForm(
            instance=classroom, decks=decks_editable_by(request.user)
        )
        context["student_count"] = classroom.students.count()
    return render(request, "decks/class_detail.html", context)


@login_required
@require_GET
def leaderboard(request: HtmxHttpRequest, pk: int):
    classroom = _class_for_member(request, pk)
    period = request.GET.get("period", "week")
    period = period if period in PERIODS else "week"
    sort = request.GET.get("sort", "cards")
    sort = sort if sort in SORTABLE else "cards"
    descending = request.GET.get("dir", "desc") != "asc"
    rows = class_leaderboard(
        classroom=classroom,
        viewer=request.user,
        today=today_for_study(),
        period=period,
        sort=sort,
        descending=descending,
    )
    context = {
        "classroom": classroom,
        "rows": rows,
        "period": period,
        "periods": PERIODS.items(),
        "sort": sort,
        "descending": descending,
        "columns": SORTABLE.items(),
    }
    template = "decks/leaderboard.html#board" if request.htmx else "decks/leaderboard.html"
    return render(request, template, context)


@login_required
@require_GET
def class_progress_view(request: HtmxHttpRequest, pk: int):
    classroom = _class_for_teacher(request, pk)
    today = today_for_study()
    rows = class_progress(classroom=classroom, today=today)
    sort = request.GET.get("sort", "name")
    keys = {
        "name": lambda r: r.name.casefold(),
        "last": lambda r: r.last_studied or today.replace(year=1),
        "due": lambda r: r.due,
        "streak": lambda r: r.streak,
        "week": lambda r: r.reviews_this_week,
        "seen": lambda r: r.seen,
    }
    rows.sort(key=keys.get(sort, keys["name"]), reverse=request.GET.get("dir") == "desc")
    if request.GET.get("format") == "csv":
        return _progress_csv(classroom, rows)
    return render(
        request,
        "decks/class_progress.html",
        {
            "classroom": classroom,
            "rows": rows,
            "decks": classroom.decks.order_by("title"),
            "sort": sort,
            "days_to_exam": days_until(classroom.exam_date, today),
        },
    )


def _progress_csv(classroom: Classroom, rows) -> HttpResponse:
    response = HttpResponse(class_progress_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="class-{classroom.pk}-progress.csv"'
    return response


@login_required
@require_GET
def class_items_view(request: HtmxHttpRequest, pk: int):
    classroom = _class_for_teacher(request, pk)
    decks = classroom.decks.order_by("title")
    deck = (
        decks.filter(pk=request.GET.get("deck")).first()
        if request.GET.get("deck", "").isdecimal()
        else None
    )
    sort = request.GET.get("sort", "hardest")
    sort = sort if sort in ITEM_SORTS else "hardest"
    items = item_analysis(classroom=classroom, deck=deck, sort=sort)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    # What the pager's links carry besides the page; the default order is left out.
    query = urlencode(
        {k: v for k, v in (("deck", deck.pk if deck else ""),
                           ("sort", "" if sort == "hardest" else sort)) if v}
    )  # fmt: skip
    return render(
        request,
        "decks/class_items.html",
        {"classroom": classroom, "page": page, "items": page.object_list, "decks": decks,
         "deck": deck, "sort": sort, "query": query},
    )  # fmt: skip


@login_required
@require_GET
def class_student_view(request: HtmxHttpRequest, pk: int, student_id: int):
    """One student of the class as the teacher sees them: each deck, and what they forget."""
    classroom = _class_for_teacher(request, pk)
    student = get_object_or_404(classroom.students, pk=student_id)
    today = today_for_study()
    (row,) = class_progress(classroom=classroom, today=today, student_id=student.pk)
    return render(
        request,
        "decks/class_student.html",
        {
            "classroom": classroom,
            "row": row,
            "standings": student_standing(classroom=classroom, student_id=student.pk, today=today),
            "hardest": student_hardest_cards(classroom=classroom, student_id=student.pk),
            "tests": finished_tests_of(student_ids=[student.pk], decks=list(classroom.decks.all())),
        },
    )


@login_required
@require_POST
def class_update(request: HtmxHttpRequest, pk: int):
    classroom = _class_for_teacher(request, pk)
    action = request.POST.get("action")
    if action == "regenerate":
        if request.POST.get("confirm") != "yes":
            return _confirm_page(request, classroom, "regenerate")
        join_code_regenerate(classroom=classroom)
        messages.success(request, _("New join code made; the old one no longer works."))
        return redirect(classroom)
    form = ClassForm(request.POST, instance=classroom, decks=decks_editable_by(request.user))
    if form.is_valid():
        with class_save(classroom=classroom, teacher=request.user, today=today_for_study()):
            form.save()
        messages.success(request, _("Class saved."))
        return redirect(classroom)
    # The form again with its errors beside the fields, and what the teacher typed.
    messages.error(request, _("The class could not be saved: see the form below."))
    return _class_page(request, classroom, form)


@login_required
@require_http_methods(["GET", "POST"])
def teach(request: HtmxHttpRequest):
    if not is_teacher(request.user):
        raise Http404("Only teachers have a teacher page.")
    form = ClassForm(request.POST or None, decks=decks_editable_by(request.user))
    if request.method == "POST" and form.is_valid():
        classroom = class_create(
            teacher=request.user,
            name=form.cleaned_data["name"],
            decks=form.cleaned_data["decks"],
            exam_date=form.cleaned_data["exam_date"],
        )
        messages.success(
            request,
            _("Class created. Students join with the code %(code)s.")
            % {"code": classroom.join_code},
        )
        return redirect(classroom)
    return render(
        request,
        "decks/teach.html",
        {"form": form, "classes": request.user.classes_taught.all()},
    )


@login_required
@require_POST
def class_test_new(request: HtmxHttpRequest, pk: int):
    """A teacher sets a practice test for the class: decks, questions, from and until."""
    classroom = _class_for_teacher(request, pk)
    form = ClassTestForm(request.POST, classroom=classroom)
    if not form.is_valid():
        messages.error(request, _("The test could not be set: see the form below."))
        return _class_page(request, classroom, test_form=form)
    data = form.cleaned_data
    class_test_create(
        classroom=classroom,
        teacher=request.user,
        title=data["title"],
        decks=data["decks"],
        question_count=data["question_count"],
        opens_on=data["opens_on"],
        closes_on=data["closes_on"],
    )
    messages.success(request, _("Test set. Students see it on the class page while it is open."))
    return redirect(classroom)


@login_required
@require_GET
def class_tests_view(request: HtmxHttpRequest, pk: int):
    """Every practice test the class's students finished over its decks, newest first."""
    classroom = _class_for_teacher(request, pk)
    decks = list(classroom.decks.all())
    tests = finished_tests_of(student_ids=classroom.students.values_list("pk", flat=True),
                              decks=decks)  # fmt: skip
    chosen = request.GET.get("test", "")
    class_test = classroom.tests.filter(pk=chosen).first() if chosen.isdecimal() else None
    if class_test is not None:
        tests = tests.filter(class_test=class_test)
    page = Paginator(tests, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "decks/class_tests.html",
        {"classroom": classroom, "page": page, "tests": page.object_list,
         "class_tests": classroom.tests.all(), "class_test": class_test},
    )  # fmt: skip
