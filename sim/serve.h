/* powsim serve's pieces shared between its files (cmd_serve.c). */
#ifndef POWSIM_SIM_SERVE_H
#define POWSIM_SIM_SERVE_H

/* The dashboard page, and the text in it the server replaces with the
 * state of the moment (api_state's JSON). */
extern const char serve_dashboard_html[];
extern const char serve_state_mark[];

#endif
