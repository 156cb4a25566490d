/* version: the version of powsim, one definition for the command line
 * (--version) and for the outputs that record what wrote them
 * (summary.json's "version", a sweep's manifest). A sweep redoes a run
 * whose summary was written by another version. */
#ifndef POWSIM_VERSION_H
#define POWSIM_VERSION_H

#define POWSIM_VERSION "0.1.0"

#endif
