"""Exercises: releasing them to students and grading what comes back, one module per step.

- ``masters``: the instructor masters, parsed once: questions, points, rubrics, model answers, the leak scan.
- ``release``: student notebooks and private autograder zips (otter assign), in any course language.
- ``run``: grading a folder of submissions, several at once, each with a time limit.
- ``worker``: grades one notebook in its own process (and is the autograder zip's entry point).
- ``sandbox``: the bubblewrap sandbox a student's kernel runs in.
- ``answers``: the student's answers exported from their kernel as plain data, for the checks.
- ``gradebook``: results, gradebook and feedback files (written atomically), written answers and their marks.
- ``report``: the class report a teacher reads after grading.
- ``lms``: the gradebook in the files Canvas and Moodle import.
- ``bench``: what grading a class costs, against plainly running its notebooks.

Nothing is imported here: a student's kernel imports ``kurils.grading.answers`` while it is graded.
"""
