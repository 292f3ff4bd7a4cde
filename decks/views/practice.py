"""Practise more and practice tests: one page per practice, one request per answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from decks.forms_practice import PracticeAnswerForm, PracticeStartForm, TestStartForm
from decks.models import Classroom, ClassTest, Practice
from decks.selectors import decks_for
from decks.services import practice as practice_service
from decks.services.answer_check import typed_answer_check
from decks.services.clock import today_for_study
from decks.services.practice import PracticeRefused, finished_tests_of
from decks.views.htmx import LoggedInRequest


def _own_practice(request: LoggedInRequest, pk: int) -> Practice:
    return get_object_or_404(
        Practice.objects.select_related("deck", "classroom", "class_test"),
        pk=pk,
        student=request.user,
    )


@login_required
@require_POST
def practice_start(request: LoggedInRequest, slug: str) -> HttpResponse:
    deck = get_object_or_404(decks_for(request.user), slug=slug)
    form = PracticeStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pick how to answer and which cards."))
        return redirect(deck)
    try:
        practice = practice_service.practice_start(
            student=request.user,
            deck=deck,
            way=form.cleaned_data["way"],
            order=form.cleaned_data["order"],
        )
    except PracticeRefused:
        messages.info(request, _("This deck has no cards to practise."))
        return redirect(deck)
    return redirect("practice", pk=practice.pk)


@login_required
@require_POST
def deck_test_start(request: LoggedInRequest, slug: str) -> HttpResponse:
    deck = get_object_or_404(decks_for(request.user), slug=slug)
    form = TestStartForm(request.POST)
    count = (form.is_valid() and form.cleaned_data["count"]) or practice_service.TEST_QUESTIONS
    try:
        practice = practice_service.practice_test_start(
            student=request.user, decks=[deck], deck=deck, count=count
        )
    except PracticeRefused:
        messages.info(request, _("No card of this deck can be asked in a test."))
        return redirect(deck)
    return redirect("practice", pk=practice.pk)


@login_required
@require_POST
def class_test_start(request: LoggedInRequest, pk: int) -> HttpResponse:
    """A test over all decks of the class, or the teacher's test named by `class_test`."""
    classroom = get_object_or_404(request.user.classes_joined, pk=pk)
    form = TestStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The number of questions is from 1 to 200."))
        return redirect(classroom)
    try:
        if form.cleaned_data["class_test"]:
            class_test = get_object_or_404(
                ClassTest, pk=form.cleaned_data["class_test"], classroom=classroom
            )
            practice = practice_service.class_test_start(
                student=request.user, class_test=class_test, today=today_for_study()
            )
        else:
            practice = practice_service.practice_test_start(
                student=request.user,
                decks=list(classroom.decks.all()),
                classroom=classroom,
                count=form.cleaned_data["count"] or practice_service.TEST_QUESTIONS,
            )
    except PracticeRefused:
        messages.info(request, _("That test cannot be taken now."))
        return redirect(classroom)
    return redirect("practice", pk=practice.pk)


def _render_practice(
    request: LoggedInRequest,
    practice: Practice,
    *,
    answered=None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    """The practice page, or for htmx its `question` fragment: what the last answer got
    (in practice, not in a test), then the next question or, at the end, the result."""
    question = practice_service.practice_question(practice)
    context = {
        "practice": practice,
        "question": question,
        "answered": answered if practice.kind == Practice.Kind.PRACTICE else None,
        "notice": notice,
        "answer_url": reverse("practice_answer", args=[practice.pk]),
        "max_chars": practice_service.MAX_TYPED_CHARS,
        "start_form": PracticeStartForm(initial={"way": practice.way, "order": practice.order}),
    }
    if question is None:
        context["mistakes"] = practice_service.practice_mistakes(practice)
    template = "decks/practice.html#question" if request.htmx else "decks/practice.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def practice_page(request: LoggedInRequest, pk: int) -> HttpResponse:
    practice = _own_practice(request, pk)
    # After a plain-form answer the redirect names it, so its feedback shows.
    after = request.GET.get("after", "")
    answered = None
    if after.isdecimal() and practice.kind == Practice.Kind.PRACTICE:
        question = practice.questions.filter(position=int(after), answered_at__isnull=False)
        answered = _feedback(question.select_related("card").first())
    return _render_practice(request, practice, answered=answered)


def _feedback(question):
    """What to show of an answered question: it, and a typed answer's marked check."""
    if question is None:
        return None
    check = (
        typed_answer_check(expected=question.expected, given=question.given)
        if question.way == question.Way.TYPED
        else None
    )
    return {"question": question, "check": check}


@login_required
@require_POST
def practice_answer(request: LoggedInRequest, pk: int) -> HttpResponse:
    practice = _own_practice(request, pk)
    form = PracticeAnswerForm(request.POST)
    if not form.is_valid():
        return _render_practice(
            request, practice, notice=_("That answer could not be read; try again."), status=400
        )
    if form.too_long():
        return _render_practice(
            request,
            practice,
            notice=_("That answer is too long: at most %(chars)s characters.")
            % {"chars": practice_service.MAX_TYPED_CHARS},
            status=400,
        )
    try:
        result = practice_service.practice_answer(
            practice=practice,
            position=form.cleaned_data["position"],
            given=form.cleaned_data["given"],
            choice=form.cleaned_data["choice"],
            knew=form.cleaned_data["knew"],
        )
    except PracticeRefused:
        return _render_practice(request, practice, notice=_("Pick an answer first."), status=400)
    if result is None:
        raise Http404("No such question in this practice.")
    answered = {"question": result.question, "check": result.check} if result.applied else None
    notice = "" if result.applied else _("That question was already answered; here is the next.")
    if request.htmx:
        return _render_practice(request, practice, answered=answered, notice=notice)
    if notice:
        messages.info(request, notice)
    url = reverse("practice", args=[practice.pk])
    return redirect(f"{url}?after={result.question.position}" if result.applied else url)


@login_required
@require_GET
def practice_list(request: LoggedInRequest) -> HttpResponse:
    """The student's practice tests and their scores, and the teachers' tests open now."""
    today = today_for_study()
    open_tests = (
        ClassTest.objects.filter(
            classroom__in=Classroom.objects.filter(students=request.user),
            opens_on__lte=today,
            closes_on__gte=today,
        )
        .filter(~Q(decks=None))
        .select_related("classroom")
        .distinct()
    )
    return render(
        request,
        "decks/practice_list.html",
        {"tests": finished_tests_of(student_ids=[request.user.pk]), "open_tests": open_tests},
    )
