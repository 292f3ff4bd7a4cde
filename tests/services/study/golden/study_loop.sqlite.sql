-- answer target
SELECT k.id AS card_id, k.key AS card_key, k.front AS card_front, k.back AS card_back,
       k.position AS card_position, k.tags AS card_tags,
       d.id AS deck_id, d.title AS deck_title, d.slug AS deck_slug,
       d.owner_id AS deck_owner_id, d.new_cards_per_day AS deck_new_cards_per_day,
       d.has_siblings AS deck_has_siblings,
       (SELECT MIN(r.exam_date) FROM decks_classroom r
        JOIN decks_membership m ON m.classroom_id = r.id AND m.student_id = %(student)s
        JOIN decks_classroom_decks rd ON rd.classroom_id = r.id AND rd.deck_id = d.id
        WHERE r.exam_date > %(today)s) AS exam_date,
       EXISTS (SELECT 1 FROM decks_newcardcursor u
               WHERE u.student_id = %(student)s AND u.deck_id = d.id
                 AND u.after_card > 0 AND u.deck_version = COALESCE(
                   (SELECT v.version FROM decks_deckcardsversion v WHERE v.deck_id = d.id), 0)
       ) AS cursor_ok,
       COALESCE(o.new_per_day, d.new_cards_per_day) AS new_limit,
       o.reviews_per_day AS review_limit,
       COALESCE(a.learned_answers, 0) AS n_reviewed,
       EXISTS (SELECT 1 FROM decks_cardstate b WHERE b.student_id = %(student)s
               AND b.card_id = k.sibling_id AND b.last_review_day = %(today)s) AS sibling_today,
       CASE WHEN s.id IS NULL THEN (
         SELECT COUNT(*) FROM decks_cardstate x JOIN decks_card j ON j.id = x.card_id
         WHERE x.student_id = %(student)s AND x.deck_id = d.id
           AND x.introduced_on = %(today)s AND j.retired_at IS NULL) END AS n_introduced,
       s.id AS state_id,
       s."repetitions" AS state_repetitions,
       s."easiness" AS state_easiness,
       s."interval" AS state_interval,
       s."due" AS state_due,
       s."lapses" AS state_lapses,
       s."reviews" AS state_reviews,
       s."last_rating" AS state_last_rating,
       s."last_review_day" AS state_last_review_day,
       s."last_reviewed_at" AS state_last_reviewed_at,
       s."introduced_on" AS state_introduced_on
FROM decks_card k
JOIN decks_deck d ON d.id = k.deck_id
LEFT JOIN decks_cardstate s ON s.card_id = k.id AND s.student_id = %(student)s
LEFT JOIN decks_decksettings o ON o.student_id = %(student)s AND o.deck_id = d.id
LEFT JOIN decks_dailyactivity a
  ON a.student_id = %(student)s AND a.deck_id = d.id AND a.day = %(today)s
WHERE k.id = %(card)s AND d.slug = %(slug)s AND k.retired_at IS NULL AND (
  %(superuser)s = 1
  OR d.owner_id = %(student)s
  OR EXISTS (SELECT 1 FROM decks_classroom_decks rd
             JOIN decks_membership m ON m.classroom_id = rd.classroom_id
             WHERE rd.deck_id = d.id AND m.student_id = %(student)s)
  OR EXISTS (SELECT 1 FROM decks_classroom_decks rd
             JOIN decks_classroom_teachers t ON t.classroom_id = rd.classroom_id
             WHERE rd.deck_id = d.id AND t.user_id = %(student)s)
  OR EXISTS (SELECT 1 FROM decks_deck_editors e
             WHERE e.deck_id = d.id AND e.user_id = %(student)s)
);

-- queue snapshot (daily new-card limit 20)
SELECT counts.new_limit, counts.review_limit, counts.n_reviewed, counts.n_done,
       counts.n_cards_done, counts.n_due_capped, counts.n_repeat, counts.n_introduced,
       CASE WHEN counts.n_introduced < counts.new_limit THEN (
         SELECT COUNT(*) FROM (SELECT 1 
  FROM decks_card k
  WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL
    AND (k.position, k.id) > (counts.after_position, counts.after_card)
    AND NOT EXISTS (SELECT 1 FROM decks_cardstate x WHERE x.student_id = %(student)s AND x.card_id = k.id)
  ORDER BY k.position, k.id
 LIMIT 20) unseen)
       ELSE 0 END AS n_unseen,
       c.id AS card_id, c.key AS card_key, c.front AS card_front, c.back AS card_back,
       c.position AS card_position, c.tags AS card_tags,
       s.id AS state_id,
       s."repetitions" AS state_repetitions,
       s."easiness" AS state_easiness,
       s."interval" AS state_interval,
       s."due" AS state_due,
       s."lapses" AS state_lapses,
       s."reviews" AS state_reviews,
       s."last_rating" AS state_last_rating,
       s."last_review_day" AS state_last_review_day,
       s."last_reviewed_at" AS state_last_reviewed_at,
       s."introduced_on" AS state_introduced_on,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 1) END AS summary_rating_1,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 2) END AS summary_rating_2,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 3) END AS summary_rating_3,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 4) END AS summary_rating_4,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 5) END AS summary_rating_5,
       CASE WHEN c.id IS NULL THEN (SELECT MIN(x.due) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND x.due > %(today)s) END AS summary_next_due,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND x.due = %(tomorrow)s) END AS summary_due_tomorrow
FROM (
  SELECT
    d.id AS deck_id,
    COALESCE(o.new_per_day, d.new_cards_per_day) AS new_limit,
    COALESCE(o.reviews_per_day, %(no_limit)s) AS review_limit,
    COALESCE(a.learned_answers, 0) AS n_reviewed,
    COALESCE(a.answers, 0) AS n_done,
    COALESCE(a.cards, 0) AS n_cards_done,
    (SELECT COUNT(*) FROM (
       SELECT 1 FROM decks_cardstate x
       WHERE x.student_id = %(student)s AND x.deck_id = d.id AND x.due <= %(today)s
         AND NOT EXISTS (SELECT 1 FROM decks_card k WHERE k.id = x.card_id
                         AND k.deck_id = d.id AND k.retired_at IS NOT NULL)
       LIMIT %(due_cap)s) capped) AS n_due_capped,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id
       AND x.last_review_day = %(today)s AND x.last_rating < %(again)s)
      - COALESCE(r.again, 0) AS n_repeat,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id AND x.introduced_on = %(today)s)
      - COALESCE(r.introduced, 0) AS n_introduced
    ,
    CASE WHEN u.deck_version = COALESCE(v.version, 0) THEN u.after_position ELSE 0 END
      AS after_position,
    CASE WHEN u.deck_version = COALESCE(v.version, 0) THEN u.after_card ELSE 0 END
      AS after_card
  FROM decks_deck d
  LEFT JOIN decks_decksettings o ON o.student_id = %(student)s AND o.deck_id = d.id
  LEFT JOIN decks_dailyactivity a
    ON a.student_id = %(student)s AND a.deck_id = d.id AND a.day = %(today)s
  LEFT JOIN decks_deckcardsversion v ON v.deck_id = d.id
  LEFT JOIN decks_newcardcursor u ON u.student_id = %(student)s AND u.deck_id = d.id
  LEFT JOIN (
    SELECT k.deck_id, COUNT(*) AS cards, COUNT(x.id) AS seen,
           SUM(CASE WHEN x.last_review_day = %(today)s AND x.last_rating < %(again)s
               THEN 1 ELSE 0 END) AS again,
           SUM(CASE WHEN x.introduced_on = %(today)s THEN 1 ELSE 0 END) AS introduced
    FROM decks_card k
    LEFT JOIN decks_cardstate x ON x.card_id = k.id AND x.student_id = %(student)s
    WHERE k.retired_at IS NOT NULL AND k.deck_id = %(deck)s
    GROUP BY k.deck_id
  ) r ON r.deck_id = d.id
  WHERE d.id = %(deck)s
) counts
LEFT JOIN decks_card c ON c.id = COALESCE(
  CASE WHEN counts.n_reviewed < counts.review_limit THEN (
    SELECT x.card_id FROM decks_cardstate x
    WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND x.due <= %(today)s
      AND NOT EXISTS (SELECT 1 FROM decks_card k
                      WHERE k.id = x.card_id AND k.retired_at IS NOT NULL)
    ORDER BY x.due, x.card_id LIMIT 1) END,
  CASE WHEN counts.n_introduced < counts.new_limit THEN (
    SELECT k.id 
  FROM decks_card k
  WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL
    AND (k.position, k.id) > (counts.after_position, counts.after_card)
    AND NOT EXISTS (SELECT 1 FROM decks_cardstate x WHERE x.student_id = %(student)s AND x.card_id = k.id)
  ORDER BY k.position, k.id
 LIMIT 1) END,
  (SELECT x.card_id FROM decks_cardstate x JOIN decks_card k ON k.id = x.card_id
   WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND k.retired_at IS NULL
     AND x.last_review_day = %(today)s AND x.last_rating < %(again)s
   ORDER BY x.last_reviewed_at, x.card_id LIMIT 1)
)
LEFT JOIN decks_cardstate s ON s.card_id = c.id AND s.student_id = %(student)s;

-- queue snapshot of a deck with reverse siblings (daily new-card limit 20)
SELECT counts.new_limit, counts.review_limit, counts.n_reviewed, counts.n_done,
       counts.n_cards_done, counts.n_due_capped, counts.n_repeat, counts.n_introduced,
       counts.n_buried_due,
       CASE WHEN counts.n_introduced < counts.new_limit THEN (
         SELECT COUNT(*) FROM (SELECT 1 
  FROM decks_card k
  WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL
    AND (k.position, k.id) > (counts.after_position, counts.after_card)
    AND NOT EXISTS (SELECT 1 FROM decks_cardstate x WHERE x.student_id = %(student)s AND x.card_id = k.id)
    AND (k.sibling_id IS NULL OR (SELECT b.last_review_day FROM decks_cardstate b WHERE b.student_id = %(student)s AND b.card_id = k.sibling_id) IS DISTINCT FROM %(today)s)
  ORDER BY k.position, k.id
 LIMIT 20) unseen)
       ELSE 0 END AS n_unseen,
       c.id AS card_id, c.key AS card_key, c.front AS card_front, c.back AS card_back,
       c.position AS card_position, c.tags AS card_tags,
       s.id AS state_id,
       s."repetitions" AS state_repetitions,
       s."easiness" AS state_easiness,
       s."interval" AS state_interval,
       s."due" AS state_due,
       s."lapses" AS state_lapses,
       s."reviews" AS state_reviews,
       s."last_rating" AS state_last_rating,
       s."last_review_day" AS state_last_review_day,
       s."last_reviewed_at" AS state_last_reviewed_at,
       s."introduced_on" AS state_introduced_on,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 1) END AS summary_rating_1,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 2) END AS summary_rating_2,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 3) END AS summary_rating_3,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 4) END AS summary_rating_4,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 5) END AS summary_rating_5,
       CASE WHEN c.id IS NULL THEN (SELECT MIN(x.due) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND x.due > %(today)s) END AS summary_next_due,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND x.due = %(tomorrow)s) END AS summary_due_tomorrow
FROM (
  SELECT
    d.id AS deck_id,
    COALESCE(o.new_per_day, d.new_cards_per_day) AS new_limit,
    COALESCE(o.reviews_per_day, %(no_limit)s) AS review_limit,
    COALESCE(a.learned_answers, 0) AS n_reviewed,
    COALESCE(a.answers, 0) AS n_done,
    COALESCE(a.cards, 0) AS n_cards_done,
    (SELECT COUNT(*) FROM (
       SELECT 1 FROM decks_cardstate x
       WHERE x.student_id = %(student)s AND x.deck_id = d.id AND x.due <= %(today)s
         AND NOT EXISTS (SELECT 1 FROM decks_card k WHERE k.id = x.card_id
                         AND k.deck_id = d.id AND k.retired_at IS NOT NULL)
       LIMIT %(due_cap)s) capped) AS n_due_capped,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id
       AND x.last_review_day = %(today)s AND x.last_rating < %(again)s)
      - COALESCE(r.again, 0) AS n_repeat,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id AND x.introduced_on = %(today)s)
      - COALESCE(r.introduced, 0) AS n_introduced,
    (
      SELECT COUNT(*) FROM decks_cardstate t
      JOIN decks_card tk ON tk.id = t.card_id
      JOIN decks_cardstate b ON b.card_id = tk.sibling_id AND b.student_id = %(student)s
      JOIN decks_card bk ON bk.id = b.card_id
      WHERE t.student_id = %(student)s AND t.deck_id = d.id AND t.last_review_day = %(today)s
        AND b.due <= %(today)s AND bk.retired_at IS NULL) AS n_buried_due
    ,
    CASE WHEN u.deck_version = COALESCE(v.version, 0) THEN u.after_position ELSE 0 END
      AS after_position,
    CASE WHEN u.deck_version = COALESCE(v.version, 0) THEN u.after_card ELSE 0 END
      AS after_card
  FROM decks_deck d
  LEFT JOIN decks_decksettings o ON o.student_id = %(student)s AND o.deck_id = d.id
  LEFT JOIN decks_dailyactivity a
    ON a.student_id = %(student)s AND a.deck_id = d.id AND a.day = %(today)s
  LEFT JOIN decks_deckcardsversion v ON v.deck_id = d.id
  LEFT JOIN decks_newcardcursor u ON u.student_id = %(student)s AND u.deck_id = d.id
  LEFT JOIN (
    SELECT k.deck_id, COUNT(*) AS cards, COUNT(x.id) AS seen,
           SUM(CASE WHEN x.last_review_day = %(today)s AND x.last_rating < %(again)s
               THEN 1 ELSE 0 END) AS again,
           SUM(CASE WHEN x.introduced_on = %(today)s THEN 1 ELSE 0 END) AS introduced
    FROM decks_card k
    LEFT JOIN decks_cardstate x ON x.card_id = k.id AND x.student_id = %(student)s
    WHERE k.retired_at IS NOT NULL AND k.deck_id = %(deck)s
    GROUP BY k.deck_id
  ) r ON r.deck_id = d.id
  WHERE d.id = %(deck)s
) counts
LEFT JOIN decks_card c ON c.id = COALESCE(
  CASE WHEN counts.n_reviewed < counts.review_limit THEN (
    SELECT x.card_id FROM decks_cardstate x
    WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND x.due <= %(today)s
      AND NOT EXISTS (SELECT 1 FROM decks_card k
                      WHERE k.id = x.card_id AND k.retired_at IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM decks_card k WHERE k.id = x.card_id
                  AND k.sibling_id IS NOT NULL AND NOT (SELECT b.last_review_day FROM decks_cardstate b WHERE b.student_id = %(student)s AND b.card_id = k.sibling_id) IS DISTINCT FROM %(today)s)
    ORDER BY x.due, x.card_id LIMIT 1) END,
  CASE WHEN counts.n_introduced < counts.new_limit THEN (
    SELECT k.id 
  FROM decks_card k
  WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL
    AND (k.position, k.id) > (counts.after_position, counts.after_card)
    AND NOT EXISTS (SELECT 1 FROM decks_cardstate x WHERE x.student_id = %(student)s AND x.card_id = k.id)
    AND (k.sibling_id IS NULL OR (SELECT b.last_review_day FROM decks_cardstate b WHERE b.student_id = %(student)s AND b.card_id = k.sibling_id) IS DISTINCT FROM %(today)s)
  ORDER BY k.position, k.id
 LIMIT 1) END,
  (SELECT x.card_id FROM decks_cardstate x JOIN decks_card k ON k.id = x.card_id
   WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND k.retired_at IS NULL
     AND x.last_review_day = %(today)s AND x.last_rating < %(again)s
   ORDER BY x.last_reviewed_at, x.card_id LIMIT 1)
)
LEFT JOIN decks_cardstate s ON s.card_id = c.id AND s.student_id = %(student)s;

-- queue snapshot with choice candidates (limit 20)
SELECT counts.new_limit, counts.review_limit, counts.n_reviewed, counts.n_done,
       counts.n_cards_done, counts.n_due_capped, counts.n_repeat, counts.n_introduced,
       CASE WHEN counts.n_introduced < counts.new_limit THEN (
         SELECT COUNT(*) FROM (SELECT 1 
  FROM decks_card k
  WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL
    AND (k.position, k.id) > (counts.after_position, counts.after_card)
    AND NOT EXISTS (SELECT 1 FROM decks_cardstate x WHERE x.student_id = %(student)s AND x.card_id = k.id)
  ORDER BY k.position, k.id
 LIMIT 20) unseen)
       ELSE 0 END AS n_unseen,
       c.id AS card_id, c.key AS card_key, c.front AS card_front, c.back AS card_back,
       c.position AS card_position, c.tags AS card_tags,
       s.id AS state_id,
       s."repetitions" AS state_repetitions,
       s."easiness" AS state_easiness,
       s."interval" AS state_interval,
       s."due" AS state_due,
       s."lapses" AS state_lapses,
       s."reviews" AS state_reviews,
       s."last_rating" AS state_last_rating,
       s."last_review_day" AS state_last_review_day,
       s."last_reviewed_at" AS state_last_reviewed_at,
       s."introduced_on" AS state_introduced_on,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 1) END AS summary_rating_1,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 2) END AS summary_rating_2,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 3) END AS summary_rating_3,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 4) END AS summary_rating_4,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = 5) END AS summary_rating_5,
       CASE WHEN c.id IS NULL THEN (SELECT MIN(x.due) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND x.due > %(today)s) END AS summary_next_due,
       CASE WHEN c.id IS NULL THEN (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND x.due = %(tomorrow)s) END AS summary_due_tomorrow,
       CASE WHEN c.id IS NOT NULL THEN (SELECT json_group_array(side) FROM (
         SELECT side FROM (SELECT k.back AS side FROM decks_card k
           WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL
             AND (k.position, k.id) > (c.position, c.id)
           ORDER BY k.position, k.id LIMIT 20)
         UNION ALL
         SELECT side FROM (SELECT k.back AS side FROM decks_card k
           WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL
             AND (k.position, k.id) < (c.position, c.id)
           ORDER BY k.position DESC, k.id DESC LIMIT 20)
       )) END AS choice_candidates
FROM (
  SELECT
    d.id AS deck_id,
    COALESCE(o.new_per_day, d.new_cards_per_day) AS new_limit,
    COALESCE(o.reviews_per_day, %(no_limit)s) AS review_limit,
    COALESCE(a.learned_answers, 0) AS n_reviewed,
    COALESCE(a.answers, 0) AS n_done,
    COALESCE(a.cards, 0) AS n_cards_done,
    (SELECT COUNT(*) FROM (
       SELECT 1 FROM decks_cardstate x
       WHERE x.student_id = %(student)s AND x.deck_id = d.id AND x.due <= %(today)s
         AND NOT EXISTS (SELECT 1 FROM decks_card k WHERE k.id = x.card_id
                         AND k.deck_id = d.id AND k.retired_at IS NOT NULL)
       LIMIT %(due_cap)s) capped) AS n_due_capped,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id
       AND x.last_review_day = %(today)s AND x.last_rating < %(again)s)
      - COALESCE(r.again, 0) AS n_repeat,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id AND x.introduced_on = %(today)s)
      - COALESCE(r.introduced, 0) AS n_introduced
    ,
    CASE WHEN u.deck_version = COALESCE(v.version, 0) THEN u.after_position ELSE 0 END
      AS after_position,
    CASE WHEN u.deck_version = COALESCE(v.version, 0) THEN u.after_card ELSE 0 END
      AS after_card
  FROM decks_deck d
  LEFT JOIN decks_decksettings o ON o.student_id = %(student)s AND o.deck_id = d.id
  LEFT JOIN decks_dailyactivity a
    ON a.student_id = %(student)s AND a.deck_id = d.id AND a.day = %(today)s
  LEFT JOIN decks_deckcardsversion v ON v.deck_id = d.id
  LEFT JOIN decks_newcardcursor u ON u.student_id = %(student)s AND u.deck_id = d.id
  LEFT JOIN (
    SELECT k.deck_id, COUNT(*) AS cards, COUNT(x.id) AS seen,
           SUM(CASE WHEN x.last_review_day = %(today)s AND x.last_rating < %(again)s
               THEN 1 ELSE 0 END) AS again,
           SUM(CASE WHEN x.introduced_on = %(today)s THEN 1 ELSE 0 END) AS introduced
    FROM decks_card k
    LEFT JOIN decks_cardstate x ON x.card_id = k.id AND x.student_id = %(student)s
    WHERE k.retired_at IS NOT NULL AND k.deck_id = %(deck)s
    GROUP BY k.deck_id
  ) r ON r.deck_id = d.id
  WHERE d.id = %(deck)s
) counts
LEFT JOIN decks_card c ON c.id = COALESCE(
  CASE WHEN counts.n_reviewed < counts.review_limit THEN (
    SELECT x.card_id FROM decks_cardstate x
    WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND x.due <= %(today)s
      AND NOT EXISTS (SELECT 1 FROM decks_card k
                      WHERE k.id = x.card_id AND k.retired_at IS NOT NULL)
    ORDER BY x.due, x.card_id LIMIT 1) END,
  CASE WHEN counts.n_introduced < counts.new_limit THEN (
    SELECT k.id 
  FROM decks_card k
  WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL
    AND (k.position, k.id) > (counts.after_position, counts.after_card)
    AND NOT EXISTS (SELECT 1 FROM decks_cardstate x WHERE x.student_id = %(student)s AND x.card_id = k.id)
  ORDER BY k.position, k.id
 LIMIT 1) END,
  (SELECT x.card_id FROM decks_cardstate x JOIN decks_card k ON k.id = x.card_id
   WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND k.retired_at IS NULL
     AND x.last_review_day = %(today)s AND x.last_rating < %(again)s
   ORDER BY x.last_reviewed_at, x.card_id LIMIT 1)
)
LEFT JOIN decks_cardstate s ON s.card_id = c.id AND s.student_id = %(student)s;

-- answer write step first_answer_state
INSERT INTO decks_cardstate (
    student_id, card_id, deck_id, repetitions,
    easiness, interval, due, lapses,
    reviews, last_rating, last_review_day, last_reviewed_at,
    introduced_on)
  VALUES (
    %(s_student_id)s, %(s_card_id)s, %(s_deck_id)s, %(s_repetitions)s,
    %(s_easiness)s, %(s_interval)s, %(s_due)s, %(s_lapses)s,
    %(s_reviews)s, %(s_last_rating)s, %(s_last_review_day)s, %(s_last_reviewed_at)s,
    %(s_introduced_on)s)
  RETURNING id;

-- answer write step later_answer_state
UPDATE decks_cardstate SET
    "repetitions" = %(s_repetitions)s, "easiness" = %(s_easiness)s, "interval" = %(s_interval)s, "due" = %(s_due)s,
    "lapses" = %(s_lapses)s, "reviews" = %(s_reviews)s, "last_rating" = %(s_last_rating)s, "last_review_day" = %(s_last_review_day)s,
    "last_reviewed_at" = %(s_last_reviewed_at)s
  WHERE id = %(state_id)s AND reviews = %(seen)s
  RETURNING id;

-- answer write step answer_log
INSERT INTO decks_reviewlog (
    student_id, card_id, deck_id, sequence,
    rating, reviewed_at, study_day, scheduled,
    time_taken_ms, answered_by, checked_correct, overridden,
    repetitions_before, easiness_before, interval_before, due_before,
    repetitions_after, easiness_after, interval_after, due_after)
  SELECT
    %(l_student_id)s, %(l_card_id)s, %(l_deck_id)s, %(l_sequence)s,
    %(l_rating)s, %(l_reviewed_at)s, %(l_study_day)s, %(l_scheduled)s,
    %(l_time_taken_ms)s, %(l_answered_by)s, %(l_checked_correct)s, %(l_overridden)s,
    %(l_repetitions_before)s, %(l_easiness_before)s, %(l_interval_before)s, %(l_due_before)s,
    %(l_repetitions_after)s, %(l_easiness_after)s, %(l_interval_after)s, %(l_due_after)s
  RETURNING id;

-- answer write step answer_activity
INSERT INTO decks_dailyactivity AS a (
    student_id, deck_id, day,
    answers, cards, learned_answers, learned_recalled,
    mastered_delta, time_ms)
  SELECT
    %(l_student_id)s, %(l_deck_id)s, %(l_study_day)s, %(a_answers)s,
    %(a_cards)s, %(a_learned_answers)s, %(a_learned_recalled)s, %(a_mastered_delta)s,
    %(a_time_ms)s
  WHERE true
  ON CONFLICT (student_id, deck_id, day) DO UPDATE SET answers = a.answers + excluded.answers, cards = a.cards + excluded.cards, learned_answers = a.learned_answers + excluded.learned_answers, learned_recalled = a.learned_recalled + excluded.learned_recalled, mastered_delta = a.mastered_delta + excluded.mastered_delta, time_ms = a.time_ms + excluded.time_ms;

-- answer write step: the new-card cursor move
WITH cur AS (
  SELECT COALESCE(v.version, 0) AS version, COALESCE(u.revision, -1) AS revision,
  CASE WHEN u.deck_version = COALESCE(v.version, 0) THEN u.after_position ELSE 0 END
      AS after_position,
    CASE WHEN u.deck_version = COALESCE(v.version, 0) THEN u.after_card ELSE 0 END
      AS after_card
  FROM decks_deck d
  LEFT JOIN decks_deckcardsversion v ON v.deck_id = d.id
  LEFT JOIN decks_newcardcursor u ON u.student_id = %(student)s AND u.deck_id = d.id
  WHERE d.id = %(deck)s
), first_unseen AS (
  SELECT k.position AS pos, k.id AS card FROM decks_card k
  WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL
    AND (k.position, k.id) > ((SELECT c.after_position FROM cur c),
                              (SELECT c.after_card FROM cur c))
    AND NOT EXISTS (SELECT 1 FROM decks_cardstate x WHERE x.student_id = %(student)s AND x.card_id = k.id)
  ORDER BY k.position, k.id LIMIT 1
), tight AS (
  SELECT pos, card FROM (
    SELECT k.position AS pos, k.id AS card FROM decks_card k
    WHERE k.deck_id = %(deck)s
      AND (k.position, k.id) < ((SELECT f.pos FROM first_unseen f),
                                (SELECT f.card FROM first_unseen f))
    ORDER BY k.position DESC, k.id DESC LIMIT 1) before_first_unseen
  UNION ALL
  SELECT pos, card FROM (
    SELECT k.position AS pos, k.id AS card FROM decks_card k
    WHERE k.deck_id = %(deck)s AND NOT EXISTS (SELECT 1 FROM first_unseen)
    ORDER BY k.position DESC, k.id DESC LIMIT 1) last_card
)
INSERT INTO decks_newcardcursor
  (student_id, deck_id, after_position, after_card, deck_version, revision)
SELECT %(student)s, %(deck)s, tight.pos, tight.card, cur.version, cur.revision + 1
FROM tight, cur WHERE true
ON CONFLICT (student_id, deck_id) DO UPDATE
SET after_position = excluded.after_position, after_card = excluded.after_card,
    deck_version = excluded.deck_version, revision = excluded.revision
WHERE decks_newcardcursor.revision = excluded.revision - 1;

-- home page counts (two decks)
SELECT
    d.id AS deck_id,
    COALESCE(o.new_per_day, d.new_cards_per_day) AS new_limit,
    COALESCE(o.reviews_per_day, %(no_limit)s) AS review_limit,
    COALESCE(a.learned_answers, 0) AS n_reviewed,
    COALESCE(a.answers, 0) AS n_done,
    COALESCE(a.cards, 0) AS n_cards_done,
    (SELECT COUNT(*) FROM (
       SELECT 1 FROM decks_cardstate x
       WHERE x.student_id = %(student)s AND x.deck_id = d.id AND x.due <= %(today)s
         AND NOT EXISTS (SELECT 1 FROM decks_card k WHERE k.id = x.card_id
                         AND k.deck_id = d.id AND k.retired_at IS NOT NULL)
       LIMIT %(due_cap)s) capped) AS n_due_capped,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id
       AND x.last_review_day = %(today)s AND x.last_rating < %(again)s)
      - COALESCE(r.again, 0) AS n_repeat,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id AND x.introduced_on = %(today)s)
      - COALESCE(r.introduced, 0) AS n_introduced,
    CASE WHEN d.has_siblings THEN (
      SELECT COUNT(*) FROM decks_cardstate t
      JOIN decks_card tk ON tk.id = t.card_id
      JOIN decks_cardstate b ON b.card_id = tk.sibling_id AND b.student_id = %(student)s
      JOIN decks_card bk ON bk.id = b.card_id
      WHERE t.student_id = %(student)s AND t.deck_id = d.id AND t.last_review_day = %(today)s
        AND b.due <= %(today)s AND bk.retired_at IS NULL) ELSE 0 END AS n_buried_due
    ,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id) - COALESCE(r.seen, 0) AS n_seen,
    (SELECT COUNT(*) FROM decks_card k WHERE k.deck_id = d.id) - COALESCE(r.cards, 0)
      AS n_cards,
    CASE WHEN d.has_siblings THEN (
      SELECT COUNT(*) FROM decks_cardstate t
      JOIN decks_card tk ON tk.id = t.card_id
      JOIN decks_card bk ON bk.id = tk.sibling_id AND bk.retired_at IS NULL
      WHERE t.student_id = %(student)s AND t.deck_id = d.id AND t.last_review_day = %(today)s
        AND NOT EXISTS (SELECT 1 FROM decks_cardstate b
                        WHERE b.student_id = %(student)s AND b.card_id = bk.id)) ELSE 0 END AS n_buried_new

  FROM decks_deck d
  LEFT JOIN decks_decksettings o ON o.student_id = %(student)s AND o.deck_id = d.id
  LEFT JOIN decks_dailyactivity a
    ON a.student_id = %(student)s AND a.deck_id = d.id AND a.day = %(today)s
  LEFT JOIN decks_deckcardsversion v ON v.deck_id = d.id
  LEFT JOIN decks_newcardcursor u ON u.student_id = %(student)s AND u.deck_id = d.id
  LEFT JOIN (
    SELECT k.deck_id, COUNT(*) AS cards, COUNT(x.id) AS seen,
           SUM(CASE WHEN x.last_review_day = %(today)s AND x.last_rating < %(again)s
               THEN 1 ELSE 0 END) AS again,
           SUM(CASE WHEN x.introduced_on = %(today)s THEN 1 ELSE 0 END) AS introduced
    FROM decks_card k
    LEFT JOIN decks_cardstate x ON x.card_id = k.id AND x.student_id = %(student)s
    WHERE k.retired_at IS NOT NULL AND k.deck_id IN (%(deck_0)s, %(deck_1)s)
    GROUP BY k.deck_id
  ) r ON r.deck_id = d.id
  WHERE d.id IN (%(deck_0)s, %(deck_1)s);

