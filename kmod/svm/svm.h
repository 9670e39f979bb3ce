/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the SVM backend share. Only kmod/svm/ includes this.
 */
#ifndef LVMM_SVM_H
#define LVMM_SVM_H

#include "features.h"

/* Found by svm_probe() at module load; read-only afterwards. */
extern struct svm_caps svm_caps;

int svm_probe(void);
int svm_cpus_init(void);
void svm_cpus_exit(void);

#endif /* LVMM_SVM_H */
