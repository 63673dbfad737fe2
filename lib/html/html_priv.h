/* SPDX-License-Identifier: BSD-3-Clause
 * Inside lib/html: what the page's sections share. */
#ifndef MBL_HTML_PRIV_H
#define MBL_HTML_PRIV_H

#include "mbl_html.h"

/* The number at path, or NAN when absent, null or not a number. */
double html_num(const struct mbl_jv *root, const char *path);
/* A figure for a table cell: integers as integers, else 4 significant
 * digits (no exponent below 1e15). Returns buf. */
const char *html_fmt(double v, char *buf, size_t len);
/* A run's colour swatch, then its escaped label. */
void html_run_name(FILE *f, const struct mbl_html_run *r, unsigned i);
/* <p class="na">what: a, b, c</p> for the things no run measured (names
 * joined, escaped); nothing when n is 0. */
void html_not_measured(FILE *f, const char *what, const char *const *names, unsigned n);

/* html_plots.c: the timeline section and the distributions section.
 * 0, -ENOMEM or -EIO. */
int html_timeline(FILE *f, const struct mbl_html_run *runs, unsigned n);
int html_distributions(FILE *f, const struct mbl_html_run *runs, unsigned n);

#endif /* MBL_HTML_PRIV_H */
