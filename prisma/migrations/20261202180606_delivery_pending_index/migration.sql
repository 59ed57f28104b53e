-- CreateIndex
CREATE INDEX "Delivery_pending_due_idx" ON "Delivery"("notBefore", "id") WHERE ("status" = 'PENDING');
